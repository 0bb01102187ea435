import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import type { JobDetail, JobSummary } from '../../src/api/types.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';
import { HOSTILE_VALUES } from '../helpers/hostile.js';

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-ojd-pipe-');
const EXAMPLES = path.resolve('examples/openjd');
let coord: CoordinatorProcess;

beforeAll(async () => {
  rmSync('/tmp/ct-pwned', { force: true });
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

const cli = (args: string[]) => runCli([...args, '--state-dir', coord.stateDir]);
const jobCount = async () => (await coord.api<JobSummary[]>('GET', '/api/jobs')).length;

function writeTemplate(name: string, doc: object): string {
  const file = path.join(root, name);
  writeFileSync(file, stringify(doc));
  return file;
}

describe('OpenJD pipelines on the local cluster', () => {
  it('runs tile -> process -> merge with manifest fan-out, and the merged result equals one process doing it all', async () => {
    const work = path.join(root, 'tiles');
    mkdirSync(work);
    const r = cli([
      'submit',
      'openjd',
      path.join(EXAMPLES, 'tiles'),
      '-p',
      `WorkDir=${work}`,
      '-p',
      'Width=160',
      '-p',
      'Height=100',
      '-p',
      'TileSize=48',
      '--nodes',
      '1',
    ]);
    expect(r.stderr).toMatch(/Submitted/);
    const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
    expect(job.state, job.error ?? '').toBe('succeeded');
    expect(job.stages.map((s) => [s.name, s.state, s.progress.done])).toEqual([
      ['Generate', 'done', 1],
      ['Process', 'done', 12],
      ['MergeRows', 'done', 3],
      ['MergeImage', 'done', 1],
    ]);
    expect(job.progress).toMatchObject({ total: 17, done: 17 });
    const planned = job.events.filter((e) => e.type === 'stage:planned').map((e) => e.message);
    expect(planned).toEqual(['stage Process: 12 task(s)', 'stage MergeRows: 3 task(s)']);
    const single = path.join(work, 'single', 'result.npy');
    const py = spawnSync('python3', [
      path.join(EXAMPLES, 'tiles/scripts/tiles.py'),
      'single',
      '--width',
      '160',
      '--height',
      '100',
      '--seed',
      '7',
      '--out',
      single,
    ]);
    expect(py.status).toBe(0);
    expect(readFileSync(path.join(work, 'result.npy')).equals(readFileSync(single))).toBe(true);

    // per-task metrics: in the results, as CSV, and in the history a line per step
    const generate = job.results?.find((x) => x.step === 'Generate');
    expect(generate).toMatchObject({ exitCode: 0, metrics: { tiles: 12 }, state: 'done' });
    expect(generate?.bytesWritten).toBeGreaterThan(0);
    const csv = cli(['results', job.id, '--csv']);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\r\n');
    expect(lines).toHaveLength(18);
    expect(lines[0]).toMatch(/^step,task,state,exit_code,seconds,bytes_written,.*metric:tiles/);
    expect(lines[1]).toMatch(/^Generate,Generate,done,0,/);
    expect(readFileSync(path.join(job.dir, 'results.csv'), 'utf8')).toBe(csv.stdout);
    expect(job.events.some((e) => /^step Process: 12\/12 task\(s\) done/.test(e.message))).toBe(
      true,
    );
  });

  it('refuses a bad template with the path of each problem, exit code 2 and no job', async () => {
    const before = await jobCount();
    const bad = writeTemplate('bad.yaml', {
      specificationVersion: 'jobtemplate-2023-09',
      name: 'bad',
      steps: [
        {
          name: 'A',
          dependencies: [{ dependsOn: 'B' }],
          script: { actions: { onRun: { command: 'true', timeout: -1 } } },
        },
      ],
    });
    const r = cli(['submit', 'openjd', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: steps\[0\]\.dependencies\[0\]\.dependsOn: /);
    expect(r.stderr).toMatch(/error: steps\[0\]\.script\.actions\.onRun\.timeout: /);
    expect(r.stderr).toMatch(/nothing was submitted/);
    const gpu = writeTemplate('gpus.yaml', {
      specificationVersion: 'jobtemplate-2023-09',
      name: 'two gpus',
      steps: [
        {
          name: 'A',
          hostRequirements: { amounts: [{ name: 'amount.worker.gpu', min: 2 }] },
          script: { actions: { onRun: { command: 'true' } } },
        },
      ],
    });
    const g = cli(['submit', 'openjd', gpu]);
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(
      /steps\[0\]\.hostRequirements\.amounts\[0\]: asks for 2 GPUs per task/,
    );
    expect(await jobCount()).toBe(before);
  });

  it('passes parameter values with shell metacharacters as literal arguments, and runs nothing else', async () => {
    const values = HOSTILE_VALUES.filter((v) => !/[\t\n]/.test(v));
    const out = path.join(root, 'args.json');
    const file = writeTemplate('echo.yaml', {
      specificationVersion: 'jobtemplate-2023-09',
      name: 'echo',
      parameterDefinitions: [
        ...values.map((_, i) => ({ name: `V${i}`, type: 'STRING', default: 'x' })),
        { name: 'Out', type: 'PATH' },
      ],
      steps: [
        {
          name: 'Echo',
          script: {
            actions: {
              onRun: {
                command: 'python3',
                args: [
                  '-c',
                  'import json,sys; open(sys.argv[1],"w").write(json.dumps(sys.argv[2:]))',
                  '{{Param.Out}}',
                  ...values.map((_, i) => `{{Param.V${i}}}`),
                ],
              },
            },
          },
        },
      ],
    });
    const r = cli([
      'submit',
      'openjd',
      file,
      '-p',
      `Out=${out}`,
      ...values.flatMap((v, i) => ['-p', `V${i}=${v}`]),
      '--wait',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as JobDetail).state).toBe('succeeded');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(values);
    expect(existsSync('/tmp/ct-pwned')).toBe(false);
  });
});
