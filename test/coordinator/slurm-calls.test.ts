import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reconcileNeeded } from '../../src/coordinator/allocations/reconcile.js';
import { SlurmAllocator } from '../../src/coordinator/allocations/slurm-allocator.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { inProcessCoordinator } from '../helpers/in-process-coordinator.js';

// The coordinator's own Slurm calls: only what it needs, no more often than it needs them.
// Slurm's commands run for real here; with an empty slurm.conf (no cluster) they fail at once,
// after the command line was logged, which is all these tests look at.

function allocator(partition?: string) {
  const commands: string[] = [];
  const slurmConf = path.join(mkdtempSync(path.join(os.tmpdir(), 'ct-slurm-conf-')), 'slurm.conf');
  writeFileSync(slurmConf, '');
  const client = new SlurmClient({
    slurmConf,
    onCommand: (line) => commands.push(line),
  });
  const a = new SlurmAllocator({
    client,
    instance: 'abc123',
    coordinatorUrl: 'http://127.0.0.1:1',
    agentCommand: ['agent'],
    partition,
  });
  return { a, commands };
}

describe("the coordinator's Slurm calls", () => {
  it("lists only this user's jobs, finished ones included (squeue --json --states=all --me)", async () => {
    const { a, commands } = allocator();
    await expect(a.list()).rejects.toThrow();
    expect(commands).toEqual(['squeue --json --states=all --me']);
  });

  it("asks Slurm's release once for whether it resizes a job twice", async () => {
    const { a, commands } = allocator();
    const answers = await Promise.all([a.resizesOnce(), a.resizesOnce()]);
    // sinfo --version needs no cluster; the answer is this machine's Slurm's.
    expect(answers[0]).toBe(answers[1]);
    expect(commands).toEqual(['sinfo --version']);
  });

  it('asks sinfo for its partition only, and callers within a second share one answer', async () => {
    const { a, commands } = allocator('gpu');
    const both = await Promise.allSettled([a.partitionNodes(), a.partitionNodes()]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(commands).toEqual(['sinfo --json --partition=gpu']);
    // A failed answer is not kept: the next caller asks again.
    await expect(a.partitionNodes()).rejects.toThrow();
    expect(commands).toHaveLength(2);
  });

  it('leaves Slurm alone while no job is queued or running and no allocation is live', async () => {
    const { c, scene } = inProcessCoordinator();
    expect(reconcileNeeded(c.reconcilePorts)).toBe(false);
    const job = await c.submit({ kind: 'blender', scene, frames: '1-2', nodes: 1 });
    expect(reconcileNeeded(c.reconcilePorts)).toBe(true);
    c.cancel(job.id);
    // Cancelled, but its allocation is live until Slurm says it ended.
    expect(reconcileNeeded(c.reconcilePorts)).toBe(true);
    for (const al of c.store.allocations.list(job.id))
      c.store.allocations.update(al.slurmJobId, { state: 'ended', endedAt: Date.now() });
    expect(reconcileNeeded(c.reconcilePorts)).toBe(false);
  });
});
