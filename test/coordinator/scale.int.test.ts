import { mkdtempSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail, TaskView } from '../../src/api/types.js';
import { countVideoFrames } from '../../src/renderers/blender/encode.js';
import { ensureSampleScene } from '../../src/renderers/blender/sample-scene.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { cleanUp, CoordinatorProcess, noAllocationLeft } from '../helpers/coordinator.js';

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-scale-');
let scene = '';
let coord: CoordinatorProcess;

beforeAll(async () => {
  // Cheap frames throughout: these tests are about scaling, not balancing.
  scene = await ensureSampleScene(path.join(root, 'sample96.blend'), {
    frames: 96,
    expensiveSamples: 8,
  });
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

const scale = (id: string, body: Record<string, unknown>) =>
  coord.api<JobDetail>('POST', `/api/jobs/${id}/scale`, body);
const running = (j: JobDetail) =>
  j.allocations.filter((a) => a.state === 'running').flatMap((a) => a.nodes);

async function expectIdleSoon(nodes: string[]): Promise<number> {
  const started = Date.now();
  for (;;) {
    const all = await slurm.nodes();
    if (nodes.every((n) => all.find((x) => x.name === n)?.state === 'idle'))
      return Date.now() - started;
    if (Date.now() - started > 5_000)
      throw new Error(
        `${nodes.join(',')} not idle within 5 s: ${all.map((n) => `${n.name}=${n.state}`).join(' ')}`,
      );
    await sleep(100);
  }
}

async function expectEveryFrameOnce(job: JobDetail, count: number): Promise<void> {
  expect(job.state).toBe('succeeded');
  const frames = Array.from({ length: count }, (_, i) => i + 1);
  expect(
    readdirSync(job.outputDir)
      .filter((f) => f.endsWith('.png'))
      .sort(),
  ).toEqual(frames.map((f) => `frame_${String(f).padStart(4, '0')}.png`));
  const tasks = (
    await coord.api<{ tasks: TaskView[] }>('GET', `/api/jobs/${job.id}/tasks?stage=render`)
  ).tasks;
  expect(
    tasks
      .filter((t) => t.state === 'done')
      .flatMap((t) => t.frames)
      .sort((a, b) => a - b),
  ).toEqual(frames);
  expect(await countVideoFrames(path.join(job.dir, job.video ?? ''))).toBe(count);
}

describe('scaling a running job', () => {
  it('grows from 1 node to 4 and shrinks to 2 (--now) and to 1 (finish first) without losing a frame', async () => {
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'blender',
      scene,
      frames: '1-96',
      nodes: 1,
    });
    await coord.waitFor(job.id, (j) => j.progress.done >= 2);

    await scale(job.id, { nodes: 4 });
    const grown = await coord.waitFor(
      job.id,
      (j) =>
        running(j).length === 4 &&
        j.agents.filter((a) => a.state === 'active' && a.node !== 'node1').length > 0,
    );
    // One Slurm job per node: the first, and three the grow added.
    expect(grown.allocations.map((a) => a.role).sort()).toEqual([
      'attached',
      'attached',
      'attached',
      'primary',
    ]);

    // Shrink while every agent is mid-frame: --now hands their tasks back at once.
    await coord.waitFor(
      job.id,
      (j) => j.agents.filter((a) => a.currentTaskId !== null).length >= 8,
    );
    const before4 = running(await coord.api<JobDetail>('GET', `/api/jobs/${job.id}`));
    const to2 = await scale(job.id, { nodes: 2, now: true });
    const released2 = before4.filter((n) => !running(to2).includes(n));
    expect(running(to2)).toHaveLength(2);
    expect(released2).toHaveLength(2);
    await expectIdleSoon(released2);

    // Then to 1, letting the drained agents finish their frames first.
    const to1 = await scale(job.id, { nodes: 1 });
    // Any node may stay: each is its own Slurm job, and an idle one goes first.
    expect(running(to1)).toHaveLength(1);
    await expectIdleSoon(running(to2).filter((n) => !running(to1).includes(n)));
    expect(to1.events.filter((e) => e.type.startsWith('scale:')).map((e) => e.actor)).toContain(
      'user',
    );

    const done = await coord.waitFor(job.id, (j) => j.state !== 'running');
    await expectEveryFrameOnce(done, 96);
    await noAllocationLeft(slurm);
  });

  it('refuses to scale a finished job, to 0 nodes, or past the partition, and serializes concurrent requests', async () => {
    const small = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'blender',
      scene,
      frames: '1-2',
      nodes: 1,
      gpusPerNode: 2,
    });
    const finished = await coord.waitFor(small.id, (j) => j.state !== 'running');
    await expect(scale(finished.id, { add: 1 })).rejects.toThrow(
      /succeeded; there is nothing to scale/,
    );

    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'blender',
      scene,
      frames: '1-96',
      nodes: 1,
    });
    await coord.waitFor(job.id, (j) => running(j).length === 1);
    await expect(scale(job.id, { nodes: 0 })).rejects.toThrow(/cannot go to 0 nodes/);
    await expect(scale(job.id, { nodes: 5 })).rejects.toThrow(/partition has 4 node\(s\)/);
    const [a, b] = await Promise.all([scale(job.id, { add: 1 }), scale(job.id, { add: 1 })]);
    expect(a.allocations.length).toBe(2);
    expect(b.allocations.length).toBe(3);
    await coord.api('POST', `/api/jobs/${job.id}/cancel`);
    await noAllocationLeft(slurm);
  });
});

describe('autoscaling', () => {
  it('grows to meet a short target, then gives back what the emptied queue no longer needs, recording why', async () => {
    // Command tasks of known length. The first four are what the primary's four GPUs lease: three
    // long ones keep the primary busy past the end of the queue; the short ones are the work to
    // grow for. Once they are done, every node the grow added is idle and can go back.
    const lines = [
      ...Array.from({ length: 3 }, (_, i) => ({ id: `long${i}`, seconds: '30' })),
      ...Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, seconds: '1' })),
    ];
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'command',
      tasks: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
      command: ['sleep', '{seconds}'],
      nodes: 1,
      auto: { min: 1, max: 4, targetFinishSeconds: 6, idleSeconds: 2 },
    });
    const grown = await coord.waitFor(job.id, (j) =>
      j.events.some((e) => e.type === 'scale:decision' && e.message.startsWith('grow')),
    );
    const decision = grown.events.find((e) => e.type === 'scale:decision');
    expect(decision?.actor).toBe('policy');
    expect(decision?.message).toMatch(/grow to \d: \d+ task\(s\) at .* need ~\d+ s/);
    const done = await coord.waitFor(job.id, (j) => j.state !== 'running', 180_000);
    const story = done.events.map((e) => `${e.at - done.createdAt} ms ${e.type}: ${e.message}`);
    expect(done.state, story.join('\n')).toBe('succeeded');

    const { tasks } = await coord.api<{ tasks: TaskView[] }>('GET', `/api/jobs/${job.id}/tasks`);
    expect(tasks.every((t) => t.state === 'done' && t.attempts === 0)).toBe(true);
    const primary = done.allocations.find((a) => a.role === 'primary');
    const long = tasks.slice(0, 3);
    expect(long.every((t) => primary?.nodes.includes(t.node ?? ''))).toBe(true);
    const longEnd = Math.min(...long.map((t) => t.finishedAt ?? 0));

    // The policy gave back, while the long tasks still ran, every allocation the grow added:
    // nodes that went idle, or an allocation still waiting in Slurm.
    const giveBacks = done.events.filter(
      (e) => e.type === 'scale:decision' && /^(shrink|cancel)/.test(e.message),
    );
    expect(giveBacks.length, story.join('\n')).toBeGreaterThan(0);
    expect(giveBacks.every((e) => /the queue is empty/.test(e.message))).toBe(true);
    const attached = done.allocations.filter((a) => a.role === 'attached');
    expect(attached.length).toBeGreaterThan(0);
    expect(
      attached.every((a) => a.endedAt !== null && a.endedAt < longEnd),
      story.join('\n'),
    ).toBe(true);
    await noAllocationLeft(slurm);
  });
});
