import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail } from '../../src/api/types.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { cleanUp, CoordinatorProcess, ended, noAllocationLeft } from '../helpers/coordinator.js';
import { makeTinyScene } from '../renderers/blender/tiny-scene.js';
import { smallDisk } from '../helpers/small-disk.js';

// A job's output on a small disk of its own (a tmpfs) that is full when the encode writes the
// video: the fault is the output's, so the job pauses with the reason, no agent is blamed, and
// it finishes by itself once space returns; nothing the tool made is left in the output.

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-output-disk-');
const disk = path.join(root, 'disk');
const output = path.join(disk, 'shot');
let tiny = '';
let coord: CoordinatorProcess;
let small: ReturnType<typeof smallDisk>;

beforeAll(async () => {
  tiny = await makeTinyScene(root);
  small = smallDisk(disk, '16m');
  mkdirSync(output);
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '10']);
  await coord.start();
});

afterAll(async () => {
  await coord?.stop();
  small?.unmount();
  await cleanUp(slurm, root, undefined);
});

const request = () => ({
  kind: 'blender',
  scene: tiny,
  frames: '1-8',
  nodes: 1,
  outputDir: output,
  outputPattern: 'frame_####',
});

describe('a full disk under a job output at the encode', () => {
  it('pauses the job with the reason, blames no agent, and finishes once space returns', async () => {
    // The frames first, so that the second job finds them whole and has only its encode left.
    const first = await coord.api<JobDetail>('POST', '/api/jobs', request());
    const rendered = await coord.waitFor(first.id, ended, 300_000);
    expect(rendered.state).toBe('succeeded');
    rmSync(path.join(output, 'video.mp4'));

    small.fill();
    const job = await coord.api<JobDetail>('POST', '/api/jobs', request());
    const spec = job.spec as { planned?: { frames: number[] } };
    expect(spec.planned?.frames).toEqual([]);
    const paused = await coord.waitFor(
      job.id,
      (j) => ended(j) || j.events.some((e) => e.type === 'job:paused'),
      180_000,
    );
    expect(paused.state).toBe('running');
    const why = paused.events.find((e) => e.type === 'job:paused')?.message ?? '';
    expect(why).toMatch(/could not write its output/);
    expect(why).toMatch(/no space left on device|ENOSPC/i);

    small.free();
    const done = await coord.waitFor(job.id, ended, 180_000);
    expect({ state: done.state, error: done.error }).toEqual({ state: 'succeeded', error: null });
    expect(existsSync(path.join(output, 'video.mp4'))).toBe(true);
    expect(
      // Agents leaving with their allocation once the job is done are routine (`detail`).
      done.events.filter(
        (e) => /agent:blocked|agent:gone|task:failed/.test(e.type) && e.level !== 'detail',
      ),
    ).toEqual([]);
    expect(readdirSync(output).filter((f) => f.startsWith('.'))).toEqual([]);
    await noAllocationLeft(slurm);
  });
});
