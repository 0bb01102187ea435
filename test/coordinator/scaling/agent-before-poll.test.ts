import { describe, expect, it } from 'vitest';
import { reconcileAllocations } from '../../../src/coordinator/allocations/reconcile.js';
import { testCoordinator } from '../view/setup.js';

// Slurm starts a node job and its agent registers before the coordinator's next look at Slurm
// (a second or so on a quiet cluster): the allocation has started, whatever the last look said.
describe('an agent that registers before the poll sees its Slurm job run', () => {
  it('starts that allocation, so the autoscaler does not cancel it as still waiting', async () => {
    const t = testCoordinator(3);
    t.port.pendingReason = 'Resources';
    const job = await t.c.submit({
      kind: 'blender',
      scene: t.scene,
      frames: '1-3',
      nodes: 3,
      gpusPerNode: 1,
      auto: { min: 1, max: 3, idleSeconds: 2 },
    });
    await reconcileAllocations(t.c.reconcilePorts);
    const allocations = t.store.allocations.list(job.id);
    expect(allocations.map((a) => a.state)).toEqual(['pending', 'pending', 'pending']);

    // All three start; their agents register and take the three frames before any poll.
    t.port.pendingReason = undefined;
    const agents = allocations.map((a, i) => t.agent(job.id, `node${i + 1}`, '0', a.slurmJobId));
    for (const a of agents) await t.lease(a);
    expect(t.store.allocations.list(job.id).map((a) => a.state)).toEqual([
      'running',
      'running',
      'running',
    ]);
    const detail = t.c.detail(job.id);
    expect(detail.events.filter((e) => e.type === 'allocation:running')).toHaveLength(3);

    // The queue is empty; nothing is waiting in Slurm, so nothing is cancelled.
    await t.c.autoscaler.tick();
    expect(t.port.cancelled).toEqual([]);
    expect(t.c.detail(job.id).events.filter((e) => e.message.startsWith('cancel '))).toEqual([]);
  });

  it('takes a listing of Slurm older than an agent registration for old news, not a requeue', async () => {
    const t = testCoordinator(1);
    t.port.pendingReason = 'Resources';
    const job = await t.c.submit({ kind: 'blender', scene: t.scene, frames: '1-2', nodes: 1 });
    await reconcileAllocations(t.c.reconcilePorts);
    const [a] = t.store.allocations.list(job.id);
    // The poll lists Slurm (still pending there), and the agent registers before it is read.
    const list = t.port.list.bind(t.port);
    t.port.list = async () => {
      const listed = await list();
      t.clock.now += 10;
      t.agent(job.id, 'node1', '0', a!.slurmJobId);
      return listed;
    };
    t.clock.now += 1_000;
    await reconcileAllocations(t.c.reconcilePorts);
    expect(t.store.allocations.list(job.id)[0]?.state).toBe('running');
    expect(t.store.agents.list(job.id).map((x) => x.state)).toEqual(['active']);
    const events = t.c.detail(job.id).events.map((e) => e.type);
    expect(events).not.toContain('allocation:requeued');
  });
});
