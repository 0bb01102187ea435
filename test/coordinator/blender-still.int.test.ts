import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BlenderStillSubmitRequest, JobDetail, TaskView } from '../../src/api/types.js';
import { ensureSampleScene } from '../../src/renderers/blender/sample-scene.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, noAllocationLeft } from '../helpers/coordinator.js';
import { diffImages } from '../renderers/blender/image-diff.js';
import { readPng } from '../renderers/blender/png-read.js';

// `cluster-tool submit blender-still`: one frame as 4x4 tiles on four agents of two nodes, merged,
// against the same frame rendered whole by `submit blender`, with the real Blender.

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-still-');
let scene = '';
let coord: CoordinatorProcess;

beforeAll(async () => {
  scene = await ensureSampleScene(path.join(root, 'sample.blend'), {
    frames: 4,
    width: 128,
    height: 72,
    cheapSamples: 8,
    expensiveSamples: 8,
  });
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

function submit(kind: string, args: string[]): JobDetail {
  const r = runCli(
    ['submit', kind, scene, ...args, '--wait', '--json', '--state-dir', coord.stateDir],
    { env: { SLURM_CONF: slurmConf } },
  );
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as JobDetail;
}

describe('a tiled still', () => {
  it('renders 4x4 tiles across the GPUs and merges them into the image a single render gives', async () => {
    const tiled = path.join(root, 'tiled');
    const whole = path.join(root, 'whole');
    mkdirSync(tiled);
    mkdirSync(whole);
    const job = submit('blender-still', [
      ...['--frame', '2', '--tiles', '4x4', '--output', tiled],
      ...['--nodes', '2', '--gpus-per-node', '2'],
    ]);
    expect(job.state).toBe('succeeded');
    expect(readdirSync(tiled)).toEqual(['frame_0002.png']);
    expect(job.progress).toMatchObject({ total: 16, done: 16, failed: 0 });
    expect((job.spec as BlenderStillSubmitRequest).planned).toMatchObject({
      frame: 2,
      columns: 4,
      rows: 4,
      resolution: [128, 72],
      file: 'output/frame_0002.png',
    });
    const { tasks } = await coord.api<{ tasks: TaskView[] }>(
      'GET',
      `/api/jobs/${job.id}/tasks?stage=tiles`,
    );
    expect(tasks).toHaveLength(16);
    expect(new Set(tasks.map((t) => t.node)).size).toBe(2);
    expect(new Set(tasks.map((t) => `${t.node}:${t.gpu}`)).size).toBeGreaterThan(2);

    const single = submit('blender', [
      ...['--frames', '2', '--output', whole, '--nodes', '1', '--gpus-per-node', '1'],
    ]);
    expect(single.state).toBe('succeeded');
    const a = path.join(tiled, 'frame_0002.png');
    const b = path.join(whole, 'frame_0002.png');
    expect([readPng(a).width, readPng(a).height]).toEqual([128, 72]);
    const diff = await diffImages(a, b);
    expect(diff).toMatchObject({ width: 128, height: 72 });
    expect(diff.max).toBeLessThanOrEqual(3 / 255);
    expect(diff.mean).toBeLessThan(0.5 / 255);
    await noAllocationLeft(slurm);
  });

  it('tiles the size the overrides ask for, in the format asked for', () => {
    const out = path.join(root, 'half');
    mkdirSync(out);
    const job = submit('blender-still', [
      ...['--frame', '1', '--tiles', '2x2', '--output', out, '--output-pattern', 'key_#'],
      ...['--resolution-percentage', '50', '--format', 'JPEG', '--nodes', '1'],
      ...['--gpus-per-node', '2'],
    ]);
    expect(job.state).toBe('succeeded');
    expect(readdirSync(out)).toEqual(['key_1.jpg']);
    expect(job.events.find((e) => e.type === 'still:planned')?.data).toMatchObject({
      resolution: [64, 36],
      format: 'JPEG',
    });
  });
});
