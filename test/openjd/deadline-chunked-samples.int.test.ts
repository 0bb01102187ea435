import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';
import { makeTempDir, makeTinyScene } from '../renderers/blender/tiny-scene.js';
import { blenderStarts, savedFrames, taskLogs } from './helpers/task-logs.js';

/**
 * AWS Deadline Cloud's chunked Blender samples (deadline-cloud-samples
 * `job_bundles/task_chunking/`), run unchanged on the local cluster with the real Blender: every
 * frame written once, one Blender start per chunk. The samples are read from a checkout, never
 * copied here, so this runs only where `DEADLINE_SAMPLES_DIR` names the checkout's `job_bundles`.
 */

const SAMPLES = process.env.DEADLINE_SAMPLES_DIR;
const HOW =
  'set DEADLINE_SAMPLES_DIR to the job_bundles folder of a checkout of ' +
  'github.com/aws-deadline/deadline-cloud-samples to run its chunked Blender samples here';
if (!SAMPLES) console.log(`Deadline Cloud chunked samples skipped: ${HOW}`);

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
let coord: CoordinatorProcess | undefined;
let root = '';
let scene = '';

afterAll(async () => {
  if (root) await cleanUp(slurm, root, coord);
});

/** Submits a sample with the tiny scene and `params`; checks it rendered `frames` as it should. */
async function renderSample(sample: string, params: string[], frames: number[]): Promise<void> {
  const bundle = path.join(SAMPLES ?? '', 'task_chunking', sample);
  expect(existsSync(path.join(bundle, 'template.yaml')), `${bundle}/template.yaml: ${HOW}`).toBe(
    true,
  );
  if (!coord) {
    root = makeTempDir();
    scene = await makeTinyScene(root);
    coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf);
    await coord.start();
  }
  const out = path.join(root, sample);
  const r = runCli([
    ...['submit', 'openjd', bundle, '-p', `BlenderSceneFile=${scene}`, '-p', `OutputDir=${out}`],
    ...['-p', 'Format=PNG', ...params.flatMap((p) => ['-p', p]), '--nodes', '1'],
    ...['--state-dir', coord.stateDir],
  ]);
  expect(r.code, r.stderr).toBe(0);
  const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
  expect(job.state, job.error ?? '').toBe('succeeded');
  expect(readdirSync(out).sort()).toEqual(
    frames.map((f) => `output_${String(f).padStart(4, '0')}.png`),
  );
  // a task per chunk (targetRuntimeSeconds may have merged chunks not yet started), each one
  // Blender start, and every frame saved by exactly one of them
  const logs = taskLogs(job.dir);
  expect(logs).toHaveLength(job.stages[0]?.progress.done ?? -1);
  expect(logs.map(blenderStarts)).toEqual(logs.map(() => 1));
  expect(savedFrames(logs, 'output_')).toEqual(frames);
  // what each chunk gave the sample's script, as its `set -x` shows it
  const given = logs.map((l) =>
    [...l.matchAll(/^\S+ err: \+ ((?:START_FRAME|END_FRAME|FRAMES)=\S+)$/gm)]
      .map((m) => m[1])
      .join(' '),
  );
  console.log(`${sample}: ${logs.length} chunks: ${given.sort().join('; ')}`);
}

describe.skipIf(!SAMPLES)('Deadline Cloud chunked Blender samples, unchanged', () => {
  it('blender_render_with_contiguous_chunks: 1-10 and a one-frame run, chunks of 3', async () => {
    await renderSample(
      'blender_render_with_contiguous_chunks',
      ['Frames=1-10,12', 'ChunkSize=3'],
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12],
    );
  }, 360_000);

  it('blender_render_with_non_contiguous_chunks: stepped frames, chunks of 3', async () => {
    await renderSample(
      'blender_render_with_non_contiguous_chunks',
      ['Frames=1-3,5,7-15:2', 'ChunkSize=3'],
      [1, 2, 3, 5, 7, 9, 11, 13, 15],
    );
  }, 360_000);
});
