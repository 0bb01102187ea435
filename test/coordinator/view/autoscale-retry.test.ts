import { describe, expect, it } from 'vitest';
import { reconcileAllocations } from '../../../src/coordinator/allocations/reconcile.js';
import { testCoordinator } from './setup.js';

describe('autoscaling after a retry', () => {
  it('starts a retry of two frames past its target on one node, and does not grow it', async () => {
    const t = testCoordinator(4);
    const job = await t.c.submit({
      kind: 'blender',
      scene: t.scene,
      frames: '1-48',
      nodes: 1,
      gpusPerNode: 4,
      auto: { min: 1, max: 4, targetFinishSeconds: 60 },
    });
    await reconcileAllocations(t.c.reconcilePorts);
    t.clock.now += 1_000;
    await reconcileAllocations(t.c.reconcilePorts);
    // The first frames take 10 s each: the policy grows the job to 4 nodes to meet the target.
    const agents = ['0', '1', '2', '3'].map((g) => t.agent(job.id, 'node1', g));
    for (const a of agents) {
      const task = await t.lease(a);
      t.clock.now += 10_000;
      await t.c.complete(a.id, task.id, {});
    }
    await t.c.autoscaler.tick();
    // One Slurm job per node: the first, then three more.
    expect(t.port.submitted.map((s) => s.nodes)).toEqual([1, 1, 1, 1]);
    // Every other frame and the encode land; the job succeeds and lets its nodes go.
    for (;;) {
      const r = await t.c.lease(agents[0]!.id, 0);
      if (!('task' in r)) break;
      t.clock.now += 1_000;
      await t.c.complete(
        agents[0]!.id,
        r.task.id,
        r.task.kind === 'blender-encode' ? { video: 'v.mp4' } : {},
      );
    }
    expect(t.store.jobs.get(job.id)?.state).toBe('succeeded');
    for (const a of t.store.allocations.list(job.id)) await t.port.cancel([a.slurmJobId]);
    t.clock.now += 120_000;
    await reconcileAllocations(t.c.reconcilePorts);
    const before = t.port.submitted.length;

    t.c.retry(job.id, [12, 40]);
    await reconcileAllocations(t.c.reconcilePorts);
    t.clock.now += 1_000;
    await reconcileAllocations(t.c.reconcilePorts);
    await t.c.autoscaler.tick();
    t.clock.now += 30_000;
    await t.c.autoscaler.tick();
    const after = t.port.submitted.slice(before);
    expect(after).toMatchObject([{ jobId: job.id, nodes: 1, role: 'primary' }]);
  });

  it('does not grow a job past its target for fewer tasks than its GPUs', async () => {
    const t = testCoordinator(4);
    const job = await t.c.submit({
      kind: 'blender',
      scene: t.scene,
      frames: '1-6',
      nodes: 1,
      gpusPerNode: 4,
      auto: { min: 1, max: 4, targetFinishSeconds: 10 },
    });
    await reconcileAllocations(t.c.reconcilePorts);
    t.clock.now += 1_000;
    await reconcileAllocations(t.c.reconcilePorts);
    const agents = ['0', '1', '2', '3'].map((g) => t.agent(job.id, 'node1', g));
    for (const a of agents) {
      const task = await t.lease(a);
      t.clock.now += 20_000;
      await t.c.complete(a.id, task.id, {});
    }
    await t.c.autoscaler.tick();
    expect(t.port.submitted.map((s) => s.nodes)).toEqual([1]);
  });
});
