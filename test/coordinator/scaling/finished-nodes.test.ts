import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { reconcileAllocations } from '../../../src/coordinator/allocations/reconcile.js';
import { testCoordinator } from '../view/setup.js';

// A per-node job whose queue is empty while its last task runs on one node: the other nodes have
// nothing left to lease, and go back to Slurm at once instead of when the job ends. (The clock
// moves before each reconcile: a pass skips allocations recorded since its listing began.)

const waitFor = async (what: string, ok: () => boolean) => {
  for (let i = 0; i < 200; i++) {
    if (ok()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** A running command job, one task per line of `seconds`, an agent on each of its nodes. */
async function commandJob(t: ReturnType<typeof testCoordinator>, seconds: number[], nodes = 2) {
  const job = await t.c.submit({
    kind: 'command',
    tasks: seconds.map((s, i) => JSON.stringify({ id: `t${i}`, seconds: s })).join('\n'),
    command: ['sleep', '{seconds}'],
    nodes,
    gpusPerNode: 1,
  });
  t.clock.now += 1_000;
  await reconcileAllocations(t.c.reconcilePorts);
  const agents = t.store.allocations
    .list(job.id)
    .map((a) => t.agent(job.id, a.nodes[0] ?? '?', '0', a.slurmJobId));
  return { job, agents };
}

describe('giving back the nodes of a job with nothing left to lease', () => {
  it('releases the idle node while the last task runs on the other; the job keeps its size', async () => {
    const t = testCoordinator(2);
    const { job, agents } = await commandJob(t, [40, 1, 1]);
    const [a, b] = agents as [(typeof agents)[0], (typeof agents)[0]];
    const long = await t.lease(a);
    const s1 = await t.lease(b);
    expect(await t.c.complete(b.id, s1.id, {})).toBe(true);
    const s2 = await t.lease(b);
    expect(await t.c.complete(b.id, s2.id, {})).toBe(true);
    // The queue is empty now: b's next request finds nothing, and its node goes back.
    const r = await t.c.lease(b.id, 0);
    expect('idle' in r || 'exit' in r).toBe(true);
    await waitFor('node2 released', () =>
      t.store.allocations.list(job.id).some((x) => x.nodes.length === 0 && x.state === 'ended'),
    );
    expect(t.port.cancelled).toEqual([b.slurmJobId]);
    expect(t.store.agents.get(b.id)?.state).toBe('gone');
    expect(t.store.agents.get(a.id)?.state).toBe('active');
    // Started again (`retry`, `resume`), it asks for its size, not for what its last task needed.
    expect(t.store.jobs.get(job.id)?.nodesWanted).toBe(2);
    const events = t.c.detail(job.id).events.filter((e) => e.type === 'scale:shrink');
    expect(events.map((e) => [e.actor, e.message])).toEqual([
      ['coordinator', 'released node2 (nothing left to lease there)'],
    ]);

    // The last task fails: its retry runs on the node the job kept, once its pause is over.
    t.c.fail(a.id, long.id, 'exit 1', []);
    t.clock.now += 60_000;
    const retry = await t.lease(a);
    expect(retry.id).toBe(long.id);
    expect(await t.c.complete(a.id, retry.id, {})).toBe(true);
    expect(t.store.jobs.get(job.id)?.state).toBe('succeeded');
    // The failure put a task back in the queue: nothing more was released.
    expect(t.port.cancelled).toEqual([b.slurmJobId]);
  });

  it('keeps every node while tasks are queued', async () => {
    const t = testCoordinator(2);
    const { job, agents } = await commandJob(t, [40, 1, 1, 1]);
    const [a, b] = agents as [(typeof agents)[0], (typeof agents)[0]];
    await t.lease(a);
    const s1 = await t.lease(b);
    expect(await t.c.complete(b.id, s1.id, {})).toBe(true);
    await t.c.scaler.releaseFinished(job.id);
    expect(t.port.cancelled).toEqual([]);
    expect(t.store.jobs.get(job.id)?.nodesWanted).toBe(2);
  });

  it('leaves an autoscaled job to the autoscaler', async () => {
    const t = testCoordinator(2);
    const job = await t.c.submit({
      kind: 'command',
      tasks: JSON.stringify({ id: 'only', seconds: 40 }),
      command: ['sleep', '{seconds}'],
      nodes: 2,
      gpusPerNode: 1,
      auto: { min: 1, max: 2 },
    });
    t.clock.now += 1_000;
    await reconcileAllocations(t.c.reconcilePorts);
    const [x, y] = t.store.allocations.list(job.id);
    await t.lease(t.agent(job.id, 'node1', '0', x?.slurmJobId));
    t.agent(job.id, 'node2', '0', y?.slurmJobId);
    await t.c.scaler.releaseFinished(job.id);
    expect(t.port.cancelled).toEqual([]);
  });

  it('cancels node jobs still waiting in Slurm once nothing is queued', async () => {
    const t = testCoordinator(3);
    const job = await t.c.submit({
      kind: 'command',
      tasks: JSON.stringify({ id: 'only', seconds: 40 }),
      command: ['sleep', '{seconds}'],
      nodes: 3,
      gpusPerNode: 1,
    });
    t.clock.now += 1_000;
    await reconcileAllocations(t.c.reconcilePorts);
    const [x, y, z] = t.store.allocations.list(job.id);
    t.port.set(z?.slurmJobId ?? 0, { state: 'PENDING', nodes: [], reason: 'Resources' });
    t.clock.now += 1_000;
    await reconcileAllocations(t.c.reconcilePorts);
    await t.lease(t.agent(job.id, 'node1', '0', x?.slurmJobId));
    t.agent(job.id, 'node2', '0', y?.slurmJobId);
    await t.c.scaler.releaseFinished(job.id);
    expect(t.port.cancelled.sort()).toEqual([y?.slurmJobId, z?.slurmJobId].sort());
    expect(t.store.jobs.get(job.id)?.nodesWanted).toBe(3);
    expect(t.store.allocations.list(job.id).filter((a) => a.state !== 'ended')).toHaveLength(1);
  });

  it('does nothing, and throws nothing, when the coordinator closed before the check ran', async () => {
    const t = testCoordinator(2);
    const { agents } = await commandJob(t, [40, 1]);
    const [a, b] = agents as [(typeof agents)[0], (typeof agents)[0]];
    await t.lease(a);
    const s1 = await t.lease(b);
    expect(await t.c.complete(b.id, s1.id, {})).toBe(true);
    const uncaught: unknown[] = [];
    const onError = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onError);
    try {
      // b finds nothing, which asks for the check on the next turn; the store closes first
      await t.c.lease(b.id, 0);
      t.store.close();
      await new Promise((r) => setImmediate(r));
      await sleep(20);
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(uncaught).toEqual([]);
    expect(t.port.cancelled).toEqual([]);
  });
});
