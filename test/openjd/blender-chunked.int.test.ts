import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';
import { makeTempDir, makeTinyScene } from '../renderers/blender/tiny-scene.js';
import { EXAMPLES } from './helpers/load-example.js';

/**
 * The chunked Blender bundle (TASK_CHUNKING) on the local cluster with the real Blender: each
 * chunk is one task that starts Blender once for its frames, and every frame is rendered once.
 */

const BUNDLE = path.join(EXAMPLES, 'blender-chunked');
const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
let coord: CoordinatorProcess | undefined;
let root = '';

afterAll(async () => {
  if (root) await cleanUp(slurm, root, coord);
});

/** The text of every task log of a job. */
function taskLogs(jobDir: string): string[] {
  const dir = path.join(jobDir, 'logs', 'tasks');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.log'))
    .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'));
}

it('renders every frame once, with one Blender start per chunk', async () => {
  root = makeTempDir();
  const scene = await makeTinyScene(root);
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf);
  await coord.start();
  const out = path.join(root, 'frames');
  const r = runCli([
    ...['submit', 'openjd', BUNDLE, '-p', `SceneFile=${scene}`, '-p', `OutputDir=${out}`],
    ...['-p', 'Frames=1-5,8-10', '-p', 'ChunkSize=3', '--nodes', '1'],
    ...['--state-dir', coord.stateDir],
  ]);
  expect(r.code, r.stderr).toBe(0);
  const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
  expect(job.state, job.error ?? '').toBe('succeeded');
  expect(job.stages.map((s) => [s.name, s.progress.done])).toEqual([['Render', 3]]);
  expect(readdirSync(out).sort()).toEqual(
    [1, 2, 3, 4, 5, 8, 9, 10].map((f) => `frame_${String(f).padStart(4, '0')}.png`),
  );
  const logs = taskLogs(job.dir);
  expect(logs).toHaveLength(3);
  // Blender prints its banner once per start and "Saved: '…frame_NNNN.png'" once per frame
  // (each log line is `<time> out: <line>`).
  const starts = logs.map((l) => l.match(/ out: Blender \d+\.\d+\.\d+$/gm)?.length ?? 0);
  expect(starts).toEqual([1, 1, 1]);
  const saved = logs.flatMap((l) => [...l.matchAll(/Saved: '.*frame_(\d{4})\.png'/g)]);
  expect(saved.map((m) => Number(m[1])).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 8, 9, 10]);
}, 360_000);

it('with targetRuntimeSeconds, real agents run bigger chunks after the first, each frame once', async () => {
  if (!coord) throw new Error('the first test starts the coordinator');
  const out = path.join(root, 'adaptive');
  const template = path.join(root, 'adaptive.yaml');
  // Each frame appends a line to its own file, so a frame done twice shows as two lines.
  const script = [
    'mkdir -p "$2"',
    'for r in $(echo "$1" | tr , " "); do',
    '  for f in $(seq "${r%%-*}" "${r#*-}"); do echo done >> "$2/frame_$f.txt"; done',
    'done',
  ].join('\n');
  writeFileSync(
    template,
    stringify({
      specificationVersion: 'jobtemplate-2023-09',
      extensions: ['TASK_CHUNKING'],
      name: 'adaptive chunks',
      steps: [
        {
          name: 'Frames',
          parameterSpace: {
            taskParameterDefinitions: [
              {
                name: 'Frame',
                type: 'CHUNK[INT]',
                range: '1-60',
                chunks: {
                  defaultTaskCount: 2,
                  targetRuntimeSeconds: 30,
                  rangeConstraint: 'CONTIGUOUS',
                },
              },
            ],
          },
          script: {
            actions: {
              onRun: { command: 'bash', args: ['-c', script, 'x', '{{Task.Param.Frame}}', out] },
            },
          },
        },
      ],
    }),
  );
  const r = runCli(['submit', 'openjd', template, '--nodes', '1', '--state-dir', coord.stateDir]);
  expect(r.code, r.stderr).toBe(0);
  const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
  expect(job.state, job.error ?? '').toBe('succeeded');
  // 30 chunks of 2 at first; a chunk's seconds per frame, its start included, is far under 3 s,
  // so the chunks not yet leased grew past 10 frames
  const done = job.stages[0]?.progress.done ?? 0;
  expect(done).toBeGreaterThan(1);
  expect(done).toBeLessThan(30);
  const files = readdirSync(out);
  expect(files).toHaveLength(60);
  for (const f of files) expect(readFileSync(path.join(out, f), 'utf8')).toBe('done\n');
}, 360_000);
