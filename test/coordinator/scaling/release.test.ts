import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { reconcileAllocations } from '../../../src/coordinator/allocations/reconcile.js';
import { Coordinator } from '../../../src/coordinator/core.js';
import { SlurmCommandError } from '../../../src/slurm/errors.js';
import { RecordingAllocationPort } from '../../doubles/allocation-port.js';
import { indexRequest } from '../../helpers/index-request.js';
import { inProcessCoordinator } from '../../helpers/in-process-coordinator.js';

/** slurmctld too busy to answer in time. */
const NOT_NOW = 'slurm_update error: Socket timed out on send/recv operation';

/** A Slurm double whose `scontrol update` and `scancel` refuse the first `refusals` times. */
class RefusingPort extends RecordingAllocationPort {
  refusals = 0;
  shrinks = 0;
  cancels = 0;
  override async shrink(id: number, keep: string[]): Promise<void> {
    this.shrinks++;
    if (this.refusals-- > 0)
      throw new SlurmCommandError({
        command: `scontrol update JobId=${id} NodeList=${keep.join(',')}`,
        code: 1,
        stderr: NOT_NOW,
      });
    return super.shrink(id, keep);
  }
  override async cancel(ids: number[]): Promise<void> {
    this.cancels++;
    if (this.refusals-- > 0)
      throw new SlurmCommandError({
        command: `scancel ${ids.join(' ')}`,
        code: 1,
        stderr: NOT_NOW,
      });
    return super.cancel(ids);
  }
}

let c: Coordinator;
let port: RefusingPort;
let scene: string;
let dir: string;

beforeEach(() => {
  port = new RefusingPort();
  ({ c, scene, dir } = inProcessCoordinator({ port }));
});

/** A running Blender job (one Slurm job per node), an agent on each of its nodes. */
async function blenderJob(nodes: number) {
  const job = await c.submit({ kind: 'blender', scene, frames: '1-20', nodes });
  // Reconcile passes skip allocations recorded since their Slurm listing began: let a tick pass.
  await sleep(5);
  await reconcileAllocations(c.reconcilePorts);
  for (const a of c.store.allocations.list(job.id))
    for (const node of a.nodes)
      if ('exit' in c.register(job.id, { node, gpu: '0', slurmJobId: a.slurmJobId }))
        throw new Error(node);
  return job;
}

/** A running IndeX session: one allocation of `nodes` nodes, Slurm job 100. */
async function oneAllocationJob(nodes: number) {
  const job = await c.submit(indexRequest(dir, nodes));
  await sleep(5);
  await reconcileAllocations(c.reconcilePorts);
  return job;
}

describe('giving a node back when Slurm says "not now"', () => {
  it('tries the release again with growing pauses until Slurm takes it', async () => {
    const job = await blenderJob(2);
    port.refusals = 2;
    await c.scaler.scale(job.id, { remove: 1, now: true });
    expect(port.cancels).toBe(3);
    expect(port.shrinks).toBe(0);
    const live = c.store.allocations.list(job.id).filter((a) => a.state !== 'ended');
    expect(live.map((a) => a.nodes)).toEqual([['node1']]);
    const retries = c.store.events.list(job.id).filter((e) => e.type === 'scale:retry');
    expect(retries.map((e) => e.message)).toEqual([
      expect.stringMatching(/releasing node2 .* not now .* again in 0.5 s/),
      expect.stringMatching(/again in 1 s/),
    ]);
  }, 20_000);

  it('tries a resize of one allocation again too', async () => {
    const job = await oneAllocationJob(2);
    port.refusals = 1;
    await c.scaler.scale(job.id, { remove: 1, now: true });
    expect(port.shrinks).toBe(2);
    expect(c.store.allocations.list(job.id)[0]?.nodes).toEqual(['node1']);
  }, 20_000);

  it('keeps the node and puts its agent back to work when Slurm never takes it', async () => {
    const job = await blenderJob(2);
    port.refusals = 100;
    await expect(c.scaler.scale(job.id, { remove: 1, now: true })).rejects.toThrow(
      /could not release node2 .* the node stays with the job and its agents work again/,
    );
    const node2 = c.store.agents.list(job.id).find((a) => a.node === 'node2');
    expect(node2?.state).toBe('active');
    const r = await c.lease(node2?.id ?? '', 0);
    expect('task' in r).toBe(true);
  }, 30_000);
});

describe('shrinking a per-node job again and again (Slurm without accounting)', () => {
  it('releases a node three times in a row, each by cancelling its own Slurm job, never resizing one', async () => {
    const job = await blenderJob(4);
    for (let i = 0; i < 3; i++) await c.scaler.scale(job.id, { remove: 1, now: true });
    expect(port.shrinks).toBe(0);
    expect(port.cancelled).toHaveLength(3);
    const live = c.store.allocations.list(job.id).filter((a) => a.state !== 'ended');
    expect(live).toHaveLength(1);
    const states = c.store.agents.list(job.id).map((a) => a.state);
    expect(states.sort()).toEqual(['active', 'gone', 'gone', 'gone']);
    // ...and grows again, and shrinks again.
    await c.scaler.scale(job.id, { add: 2 });
    expect(port.submitted.slice(-2).map((s) => [s.nodes, s.role])).toEqual([
      [1, 'attached'],
      [1, 'attached'],
    ]);
    await sleep(5);
    await reconcileAllocations(c.reconcilePorts);
    await c.scaler.scale(job.id, { remove: 1, now: true });
    expect(c.store.allocations.list(job.id).filter((a) => a.state !== 'ended')).toHaveLength(2);
  });

  it('cancels node jobs still waiting in Slurm before it gives back a node that works', async () => {
    const job = await blenderJob(2);
    port.pendingReason = 'Resources';
    await c.scaler.scale(job.id, { add: 2 });
    await sleep(5);
    await reconcileAllocations(c.reconcilePorts);
    await c.scaler.scale(job.id, { remove: 2 });
    const live = c.store.allocations.list(job.id).filter((a) => a.state !== 'ended');
    expect(live.map((a) => a.state)).toEqual(['running', 'running']);
    expect(c.store.agents.list(job.id).every((a) => a.state === 'active')).toBe(true);
  });
});

describe('a second shrink of one allocation', () => {
  it('is refused before anything is released, saying Slurm resizes a job only once', async () => {
    const job = await oneAllocationJob(3);
    await c.scaler.scale(job.id, { remove: 1, now: true });
    await expect(c.scaler.scale(job.id, { remove: 1, now: true })).rejects.toThrow(
      /Slurm job 100 was resized once already.*refuses to resize a job twice/,
    );
    expect(c.store.allocations.list(job.id)[0]?.nodes).toHaveLength(2);
  });
});

describe('a second shrink on a Slurm that resizes a job again (24.11)', () => {
  it('releases another node of the same allocation', async () => {
    port.resizesOnceAnswer = false;
    const job = await oneAllocationJob(3);
    await c.scaler.scale(job.id, { remove: 1, now: true });
    await c.scaler.scale(job.id, { remove: 1, now: true });
    expect(port.shrinks).toBe(2);
    expect(c.store.allocations.list(job.id)[0]?.nodes).toEqual(['node1']);
  });
});

describe('an attached allocation Slurm has resized once', () => {
  it('still goes back whole, with scancel', async () => {
    const job = await oneAllocationJob(1);
    await c.scaler.scale(job.id, { add: 2 });
    await sleep(5);
    await reconcileAllocations(c.reconcilePorts);
    const attached = c.store.allocations.list(job.id).find((a) => a.role === 'attached');
    await c.scaler.scale(job.id, { remove: 1, now: true });
    await c.scaler.scale(job.id, { remove: 1, now: true });
    const after = c.store.allocations.list(job.id).find((a) => a.role === 'attached');
    expect(after?.state).toBe('ended');
    expect(port.cancelled).toContain(attached?.slurmJobId);
  });
});
