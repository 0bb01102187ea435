// One file, over 8 KB: its tests share one local cluster, coordinator and scene, started once.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { agentPids, cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';
import { makeTempDir, makeTinyScene } from '../renderers/blender/tiny-scene.js';
import { EXAMPLES } from './helpers/load-example.js';
import { blenderStarts, savedFrames, taskLogs } from './helpers/task-logs.js';

/**
 * The chunked Blender bundle (TASK_CHUNKING) on the local cluster with the real Blender: each
 * chunk is one task that starts Blender once for its frames, and every frame is rendered once;
 * a stepped NONCONTIGUOUS chunk (`5-9:2`) reaches Blender as its frames. Then what Deadline
 * Cloud's chunked samples rely on, in templates of our own: a CONTIGUOUS chunk is always
 * `start-end`, so `cut -d-` finds both ends of a one-frame chunk; targetRuntimeSeconds resizes.
 */

const BUNDLE = path.join(EXAMPLES, 'blender-chunked');
const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
let coord: CoordinatorProcess | undefined;
let root = '';
let scene = '';

afterAll(async () => {
  if (root) await cleanUp(slurm, root, coord);
});

it('renders every frame once, with one Blender start per chunk', async () => {
  root = makeTempDir();
  scene = await makeTinyScene(root);
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf);
  await coord.start();
  const out = path.join(root, 'frames');
  const r = runCli([
    ...['submit', 'openjd', BUNDLE, '-p', `SceneFile=${scene}`, '-p', `OutputDir=${out}`],
    ...['-p', 'Frames=1-3,5,7-15:2', '-p', 'ChunkSize=3', '--nodes', '1'],
    ...['--state-dir', coord.stateDir],
  ]);
  expect(r.code, r.stderr).toBe(0);
  const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
  expect(job.state, job.error ?? '').toBe('succeeded');
  expect(job.stages.map((s) => [s.name, s.progress.done])).toEqual([['Render', 3]]);
  const frames = [1, 2, 3, 5, 7, 9, 11, 13, 15];
  expect(readdirSync(out).sort()).toEqual(
    frames.map((f) => `frame_${String(f).padStart(4, '0')}.png`),
  );
  const logs = taskLogs(job.dir);
  expect(logs).toHaveLength(3);
  const chunks = logs.map((l) => /rendering frames (\S+)$/m.exec(l)?.[1]);
  expect(chunks.sort()).toEqual(['1-3', '11-15:2', '5-9:2']);
  expect(logs.map(blenderStarts)).toEqual([1, 1, 1]);
  expect(savedFrames(logs, 'frame_')).toEqual(frames);
}, 360_000);

it('a CONTIGUOUS chunk is start-end, a one-frame chunk too, so cut -d- finds both ends', async () => {
  if (!coord) throw new Error('the first test starts the coordinator');
  const out = path.join(root, 'contiguous');
  const template = path.join(root, 'contiguous.yaml');
  // as Deadline Cloud's contiguous samples read a chunk; each frame appends to its own file
  const script = [
    `START_FRAME="$(echo '{{Task.Param.Frame}}' | cut -d- -f1)"`,
    `END_FRAME="$(echo '{{Task.Param.Frame}}' | cut -d- -f2)"`,
    `echo "chunk {{Task.Param.Frame}}"`,
    `mkdir -p '${out}'`,
    `for f in $(seq "$START_FRAME" "$END_FRAME"); do echo done >> '${out}'/frame_$f.txt; done`,
  ].join('\n');
  writeFileSync(
    template,
    stringify({
      specificationVersion: 'jobtemplate-2023-09',
      extensions: ['TASK_CHUNKING'],
      name: 'contiguous chunks',
      parameterDefinitions: [
        { name: 'Frames', type: 'STRING', default: '1,4-6,9' },
        { name: 'ChunkSize', type: 'INT', default: 2 },
        { name: 'TargetRuntime', type: 'INT', default: 0 },
      ],
      steps: [
        {
          name: 'Frames',
          parameterSpace: {
            taskParameterDefinitions: [
              {
                name: 'Frame',
                type: 'CHUNK[INT]',
                range: '{{Param.Frames}}',
                chunks: {
                  defaultTaskCount: '{{Param.ChunkSize}}',
                  targetRuntimeSeconds: '{{Param.TargetRuntime}}',
                  rangeConstraint: 'CONTIGUOUS',
                },
              },
            ],
          },
          script: { actions: { onRun: { command: 'bash', args: ['-c', script] } } },
        },
      ],
    }),
  );
  const r = runCli(['submit', 'openjd', template, '--nodes', '1', '--state-dir', coord.stateDir]);
  expect(r.code, r.stderr).toBe(0);
  const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
  expect(job.state, job.error ?? '').toBe('succeeded');
  const chunks = taskLogs(job.dir).map((l) => / out: chunk (\S+)$/m.exec(l)?.[1]);
  expect(chunks.sort()).toEqual(['1-1', '4-5', '6-6', '9-9']);
  const files = readdirSync(out).sort();
  expect(files).toEqual([
    'frame_1.txt',
    'frame_4.txt',
    'frame_5.txt',
    'frame_6.txt',
    'frame_9.txt',
  ]);
  for (const f of files) expect(readFileSync(path.join(out, f), 'utf8')).toBe('done\n');
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

it('a chunk whose agent dies goes back whole: its finished frames are rendered again', async () => {
  if (!coord) throw new Error('the first test starts the coordinator');
  const out = path.join(root, 'agent-dies');
  // one chunk, 15-18; frame 17 of the tiny scene is slow, so the agent dies while it renders
  const r = runCli([
    ...['submit', 'openjd', BUNDLE, '-p', `SceneFile=${scene}`, '-p', `OutputDir=${out}`],
    ...['-p', 'Frames=15-18', '-p', 'ChunkSize=4'],
    ...['--nodes', '1', '--gpus-per-node', '2', '--state-dir', coord.stateDir],
  ]);
  expect(r.code, r.stderr).toBe(0);
  const id = r.stdout.trim();
  const frame = (f: number) => path.join(out, `frame_${String(f).padStart(4, '0')}.png`);
  for (let i = 0; !existsSync(frame(16)); i++) {
    if (i > 1200) throw new Error('frame 16 was never rendered');
    await sleep(100);
  }
  const first = [15, 16].map((f) => statSync(frame(f)).mtimeMs);
  const busy = await coord.waitFor(id, (j) => j.agents.some((a) => a.currentTaskId !== null));
  const victim = busy.agents.find((a) => a.currentTaskId !== null);
  const pid = agentPids(coord.stateDir, id).find((p) => {
    const env = readFileSync(`/proc/${p}/environ`, 'utf8').split('\0');
    return (
      env.includes(`SLURMD_NODENAME=${victim?.node}`) &&
      env.includes(`CUDA_VISIBLE_DEVICES=${victim?.gpu}`)
    );
  });
  expect(pid).toBeDefined();
  expect(existsSync(frame(17))).toBe(false);
  process.kill(pid ?? 0, 'SIGKILL');
  const job = await coord.waitFor(id, ended, 300_000);
  expect(job.state, job.error ?? '').toBe('succeeded');
  // still one task, done once: the chunk went back as it was, not cut into what was left
  expect(job.stages.map((s) => [s.name, s.progress.done])).toEqual([['Render', 1]]);
  expect(job.events.some((e) => e.type === 'task:requeued' || e.type === 'agent:gone')).toBe(true);
  expect(readdirSync(out).sort()).toEqual([15, 16, 17, 18].map((f) => path.basename(frame(f))));
  // the frames the dead agent had finished were rendered again by the chunk's second run
  [15, 16].forEach((f, i) => expect(statSync(frame(f)).mtimeMs).toBeGreaterThan(first[i] ?? 0));
}, 360_000);
