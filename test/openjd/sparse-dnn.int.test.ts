import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-ojd-dnn-');
const EXAMPLE = path.resolve('examples/openjd/sparse-dnn');
let coord: CoordinatorProcess;

beforeAll(async () => {
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

it('infers a 1024-neuron, 120-layer sparse DNN in layer stages across agents, with the categories and activations of a serial run', async () => {
  const work = path.join(root, 'work');
  mkdirSync(work);
  const r = runCli([
    ...[
      'submit',
      'openjd',
      EXAMPLE,
      '-p',
      `WorkDir=${work}`,
      '-p',
      'Inputs=300',
      '-p',
      'Batches=4',
    ],
    ...['--nodes', '1', '--state-dir', coord.stateDir],
  ]);
  expect(r.code, r.stderr).toBe(0);
  const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
  expect(job.state, job.error ?? '').toBe('succeeded');
  expect(job.stages.map((s) => [s.name, s.progress.done])).toEqual([
    ['Prepare', 1],
    ['Layers001to040', 4],
    ['Layers041to080', 4],
    ['Layers081to120', 4],
    ['Categories', 1],
  ]);
  // the batches ran side by side, on different agents
  const agents = new Set(job.results?.filter((x) => x.step === 'Layers001to040').map((x) => x.gpu));
  expect(agents.size).toBeGreaterThan(1);
  const serial = path.join(root, 'serial');
  const py = spawnSync('python3', [
    path.join(EXAMPLE, 'scripts/dnn.py'),
    ...['serial', '--out', serial, '--neurons', '1024', '--layers', '120'],
    ...['--inputs', '300', '--seed', '3'],
  ]);
  expect(py.status, String(py.stderr)).toBe(0);
  // stats.json holds the SHA-256 of the final activations (indptr, indices, values)
  const stats = JSON.parse(readFileSync(path.join(work, 'stats.json'), 'utf8')) as object;
  expect(stats).toEqual(JSON.parse(readFileSync(path.join(serial, 'stats.json'), 'utf8')));
  expect(readFileSync(path.join(work, 'categories.txt'), 'utf8')).toBe(
    readFileSync(path.join(serial, 'categories.txt'), 'utf8'),
  );
  expect(job.results?.find((x) => x.step === 'Categories')?.metrics).toEqual({
    categories: (stats as { categories: number }).categories,
  });
});
