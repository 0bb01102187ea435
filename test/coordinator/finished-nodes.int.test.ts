import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail, TaskView } from '../../src/api/types.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { cleanUp, CoordinatorProcess, noAllocationLeft } from '../helpers/coordinator.js';

// A node whose job has nothing left to lease there goes back to Slurm at once, not when the job
// ends: the next job waiting for a node starts on it while the first job's last task still runs.
const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-finished-nodes-');
let coord: CoordinatorProcess;

beforeAll(async () => {
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

const story = (j: JobDetail) =>
  j.events.map((e) => `${e.at - j.createdAt} ms ${e.type}: ${e.message}`).join('\n');
const tasksOf = async (id: string) =>
  (await coord.api<{ tasks: TaskView[] }>('GET', `/api/jobs/${id}/tasks`)).tasks;
const commandJob = (seconds: number[], nodes: number, name: string) =>
  coord.api<JobDetail>('POST', '/api/jobs', {
    kind: 'command',
    name,
    tasks: seconds.map((s, i) => JSON.stringify({ id: `${name}-${i}`, seconds: s })).join('\n'),
    command: ['sleep', '{seconds}'],
    nodes,
    gpusPerNode: 4,
  });

describe('a node with nothing left to lease', () => {
  it('goes back to Slurm while the job runs on, and the next job starts on it', async () => {
    // Another user's work holds two of the four nodes: the two jobs below share the other two.
    const other = await slurm.sbatch({
      script: '#!/bin/sh\nsleep 600\n',
      args: ['--nodes=2', '--exclusive', '--partition=gpu', '--job-name=someone-else'],
      cwd: root,
    });
    try {
      for (let i = 0; ; i++) {
        if ((await slurm.squeue()).find((x) => x.jobId === other)?.state === 'RUNNING') break;
        if (i > 100) throw new Error('the other job did not start');
        await sleep(100);
      }
      // One long task and eight short ones on two nodes of four GPUs: once the short ones are
      // done, one node runs the long task and the other has nothing left.
      const first = await commandJob([30, 1, 1, 1, 1, 1, 1, 1, 1], 2, 'first');
      await coord.waitFor(first.id, (j) => j.progress.leased > 0 || j.state !== 'running', 60_000);
      const second = await commandJob([1, 1], 1, 'second');

      const secondDone = await coord.waitFor(second.id, (j) => j.state !== 'running', 90_000);
      expect(secondDone.state, story(secondDone)).toBe('succeeded');
      const firstNow = await coord.api<JobDetail>('GET', `/api/jobs/${first.id}`);
      expect(firstNow.state, story(firstNow)).toBe('running');

      const firstDone = await coord.waitFor(first.id, (j) => j.state !== 'running', 90_000);
      expect(firstDone.state, story(firstDone)).toBe('succeeded');
      const tasks = await tasksOf(first.id);
      expect(tasks.every((t) => t.state === 'done' && t.attempts === 0)).toBe(true);
      const longNode = tasks.find((t) => t.name === 'first-0')?.node;
      const otherNode = tasks.find((t) => t.node !== longNode)?.node;
      expect(otherNode, story(firstDone)).toBeDefined();

      // The other node went back within a few seconds of its last task, by the coordinator.
      const lastThere = Math.max(
        ...tasks.filter((t) => t.node === otherNode).map((t) => t.finishedAt ?? 0),
      );
      const released = firstDone.events.find(
        (e) => e.type === 'scale:shrink' && e.message.startsWith(`released ${otherNode}`),
      );
      expect(released?.actor, story(firstDone)).toBe('coordinator');
      expect((released?.at ?? Infinity) - lastThere, story(firstDone)).toBeLessThan(5_000);
      expect(firstDone.events.filter((e) => e.type === 'scale:failed')).toEqual([]);

      // The second job ran on that node, before the first job ended.
      const secondTasks = await tasksOf(second.id);
      expect(secondTasks.every((t) => t.state === 'done' && t.attempts === 0)).toBe(true);
      expect(new Set(secondTasks.map((t) => t.node))).toEqual(new Set([otherNode]));
      expect(secondDone.finishedAt ?? Infinity).toBeLessThan(firstDone.finishedAt ?? 0);
    } finally {
      await slurm.scancel([other]).catch(() => {});
    }
    await noAllocationLeft(slurm);
  });
});
