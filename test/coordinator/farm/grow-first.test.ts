import { describe, expect, it } from 'vitest';
import { reconcileAllocations } from '../../../src/coordinator/allocations/reconcile.js';
import { freeNodes, growOrder } from '../../../src/coordinator/scaling/scarce-nodes.js';
import { testCoordinator } from '../view/setup.js';

describe('who grows first when free nodes are scarce', () => {
  it('orders by priority, then the older job', () => {
    const jobs = [
      { id: 'j1', seq: 1, priority: 50 },
      { id: 'j2', seq: 2, priority: 90 },
      { id: 'j3', seq: 3, priority: 50 },
      { id: 'j4', seq: 4, priority: 10 },
    ];
    expect(growOrder(jobs).map((j) => j.id)).toEqual(['j2', 'j1', 'j3', 'j4']);
  });

  it('counts idle nodes Slurm may start jobs on, less those waiting allocations will take', () => {
    const nodes = [
      { state: 'idle', flags: [] },
      { state: 'idle', flags: ['POWERED_DOWN'] },
      { state: 'idle', flags: ['DRAIN'] },
      { state: 'idle', flags: ['NOT_RESPONDING'] },
      { state: 'allocated', flags: [] },
      { state: 'mixed', flags: [] },
    ];
    expect(freeNodes(nodes, 0)).toBe(2);
    expect(freeNodes(nodes, 1)).toBe(1);
    expect(freeNodes(nodes, 5)).toBe(0);
  });

  it('gives the one free node to the higher-priority job, not to the newer one (the order jobs are listed in)', async () => {
    const t = testCoordinator(4);
    const auto = { min: 1, max: 3, targetFinishSeconds: 30 };
    const high = await t.c.submit({
      kind: 'blender',
      scene: t.scene,
      frames: '1-40',
      nodes: 1,
      gpusPerNode: 4,
      auto,
      priority: 90,
    });
    const low = await t.c.submit({
      kind: 'blender',
      scene: t.scene,
      frames: '1-40',
      nodes: 1,
      gpusPerNode: 4,
      auto,
      priority: 20,
    });
    await reconcileAllocations(t.c.reconcilePorts);
    t.clock.now += 1_000;
    await reconcileAllocations(t.c.reconcilePorts);
    // Both measure 10 s a frame: each wants more nodes to meet its target.
    for (const job of [high, low]) {
      const slurmJobId = t.store.allocations.list(job.id)[0]!.slurmJobId;
      const agents = ['0', '1', '2', '3'].map((g) => t.agent(job.id, 'node1', g, slurmJobId));
      for (const a of agents) await t.lease(a);
    }
    t.clock.now += 10_000;
    for (const job of [high, low])
      for (const task of t.store.tasks.list(job.id, { state: 'leased' }).tasks)
        await t.c.complete(task.agentId!, task.id, {});
    t.port.busyNodes = 3;
    const before = t.port.submitted.length;
    await t.c.autoscaler.tick();
    expect(t.port.submitted.slice(before)).toEqual([
      expect.objectContaining({ jobId: high.id, nodes: 1, role: 'attached' }),
    ]);
  });
});
