import { mkdtempSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail, TaskView } from '../../src/api/types.js';
import { ensureSampleScene } from '../../src/renderers/blender/sample-scene.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { cleanUp, CoordinatorProcess, noAllocationLeft } from '../helpers/coordinator.js';

// The local cluster runs without accounting (AccountingStorageType=accounting_storage/none), where
// Slurm 22.05 resizes a job once: these steps pass only because no node job is ever resized.
const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-per-node-');
let scene = '';
let coord: CoordinatorProcess;

beforeAll(async () => {
  scene = await ensureSampleScene(path.join(root, 'sample.blend'), {
    frames: 160,
    expensiveSamples: 16,
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
const story = (j: JobDetail) =>
  j.events.map((e) => `${e.at - j.createdAt} ms ${e.type}: ${e.message}`).join('\n');
const tasksOf = async (id: string) =>
  (await coord.api<{ tasks: TaskView[] }>('GET', `/api/jobs/${id}/tasks`)).tasks;

describe('a Blender job of one Slurm job per node', () => {
  it('shrinks by one three times in a row, grows by two, shrinks again, and renders every frame once', async () => {
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'blender',
      scene,
      frames: '1-160',
      nodes: 4,
      gpusPerNode: 2,
    });
    const started = await coord.waitFor(job.id, (j) => running(j).length === 4);
    expect(started.allocations.map((a) => a.requestedNodes)).toEqual([1, 1, 1, 1]);
    await coord.waitFor(job.id, (j) => j.progress.done >= 2);

    // Three shrinks in a row: the first two hand the tasks back at once, the third drains.
    for (const [i, now] of [true, true, false].entries()) {
      const after = await scale(job.id, { remove: 1, now });
      expect(running(after), story(after)).toHaveLength(3 - i);
    }
    const grown = await scale(job.id, { add: 2 });
    expect(
      grown.allocations.filter((a) => a.state === 'pending' || a.state === 'running').length,
    ).toBe(3);
    const three = await coord.waitFor(
      job.id,
      (j) =>
        running(j).length === 3 &&
        new Set(j.agents.filter((a) => a.state === 'active').map((a) => a.node)).size === 3,
    );
    expect(three.state).toBe('running');
    const last = await scale(job.id, { remove: 1 });
    expect(running(last), story(last)).toHaveLength(2);

    const done = await coord.waitFor(job.id, (j) => j.state !== 'running', 300_000);
    expect(done.state, story(done)).toBe('succeeded');
    expect(done.events.filter((e) => e.type === 'scale:failed')).toEqual([]);
    // The user's four; the coordinator may give back more once only the encode is left.
    expect(
      done.events.filter((e) => e.type === 'allocation:shrunk' && e.actor === 'user'),
    ).toHaveLength(4);
    const frames = Array.from({ length: 160 }, (_, i) => i + 1);
    expect(
      readdirSync(done.outputDir)
        .filter((f) => f.endsWith('.png'))
        .sort(),
    ).toEqual(frames.map((f) => `frame_${String(f).padStart(4, '0')}.png`));
    const rendered = (await tasksOf(job.id))
      .filter((t) => t.state === 'done')
      .flatMap((t) => t.frames)
      .sort((a, b) => a - b);
    expect(rendered).toEqual(frames);
    await noAllocationLeft(slurm);
  });
});

describe('autoscaling a per-node job', () => {
  it('steps down twice as its nodes fall idle one after another', async () => {
    // One GPU a node, three tasks of different lengths: the nodes fall idle at different times,
    // so the policy gives them back in two separate steps.
    const lines = [
      { id: 'short', seconds: '3' },
      { id: 'medium', seconds: '14' },
      { id: 'long', seconds: '40' },
    ];
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'command',
      tasks: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
      command: ['sleep', '{seconds}'],
      nodes: 3,
      gpusPerNode: 1,
      auto: { min: 1, max: 3, idleSeconds: 2 },
    });
    const done = await coord.waitFor(job.id, (j) => j.state !== 'running', 180_000);
    expect(done.state, story(done)).toBe('succeeded');
    const shrinks = done.events.filter(
      (e) => e.type === 'scale:decision' && e.message.startsWith('shrink'),
    );
    expect(shrinks.length, story(done)).toBeGreaterThanOrEqual(2);
    expect(
      done.events.filter((e) => e.type === 'scale:error'),
      story(done),
    ).toEqual([]);
    expect(
      done.events.filter((e) => e.type === 'allocation:shrunk').length,
      story(done),
    ).toBeGreaterThanOrEqual(2);
    expect((await tasksOf(job.id)).every((t) => t.state === 'done' && t.attempts === 0)).toBe(true);
    await noAllocationLeft(slurm);
  });
});

describe('a per-node job on a cluster with busy nodes', () => {
  it('starts work on the free nodes at once, and takes the others when they free up', async () => {
    // Another user's work holds two of the four nodes.
    const other = await slurm.sbatch({
      script: '#!/bin/sh\nsleep 600\n',
      args: [
        '--nodes=2',
        '--exclusive',
        '--partition=gpu',
        '--job-name=someone-else',
        '--output=/dev/null',
      ],
      cwd: root,
    });
    try {
      for (let i = 0; ; i++) {
        const j = (await slurm.squeue()).find((x) => x.jobId === other);
        if (j?.state === 'RUNNING') break;
        if (i > 100) throw new Error('the other job did not start');
        await sleep(100);
      }
      const lines = Array.from({ length: 40 }, (_, i) => ({ id: `t${i}`, seconds: '3' }));
      const job = await coord.api<JobDetail>('POST', '/api/jobs', {
        kind: 'command',
        tasks: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
        command: ['sleep', '{seconds}'],
        nodes: 4,
        gpusPerNode: 2,
      });
      const working = await coord.waitFor(
        job.id,
        (j) => j.progress.done >= 4 || j.state !== 'running',
        60_000,
      );
      expect(working.state).toBe('running');
      expect(working.waiting).toBeNull();
      expect(running(working)).toHaveLength(2);
      expect(working.allocations.filter((a) => a.state === 'pending')).toHaveLength(2);
      expect(new Set(working.agents.map((a) => a.node)).size).toBe(2);

      const freedAt = Date.now();
      await slurm.scancel([other]);
      const all = await coord.waitFor(
        job.id,
        (j) => new Set(j.agents.map((a) => a.node)).size === 4 || j.state !== 'running',
        60_000,
      );
      const done = await coord.waitFor(job.id, (j) => j.state !== 'running', 120_000);
      expect(done.state, story(done)).toBe('succeeded');
      // What docs/farm.md reports: sbatch of the four node jobs, and a freed node to its work.
      const at = (type: string) => done.events.filter((e) => e.type === type).map((e) => e.at);
      const submitted = at('allocation:submitted');
      const started = at('allocation:running').filter((t) => t >= freedAt);
      const registered = done.events
        .filter((e) => e.type === 'agent:registered' && e.at >= freedAt)
        .map((e) => e.at);
      console.info(
        `per-node: 4 node jobs submitted within ${Math.max(...submitted) - Math.min(...submitted)} ms; ` +
          `a freed node's job running after ${Math.min(...started) - freedAt} ms, ` +
          `its first agent registered after ${Math.min(...registered) - freedAt} ms`,
      );
      expect(new Set(all.agents.map((a) => a.node)).size, story(all)).toBe(4);
    } finally {
      await slurm.scancel([other]).catch(() => {});
    }
    await noAllocationLeft(slurm);
  });
});
