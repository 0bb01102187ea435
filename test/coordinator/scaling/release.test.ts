import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { reconcileAllocations } from '../../../src/coordinator/allocations/reconcile.js';
import { Coordinator } from '../../../src/coordinator/core.js';
import { SlurmCommandError } from '../../../src/slurm/errors.js';
import { RecordingAllocationPort } from '../../doubles/allocation-port.js';
import { inProcessCoordinator } from '../../helpers/in-process-coordinator.js';

/** slurmctld too busy to answer in time. */
const NOT_NOW = 'slurm_update error: Socket timed out on send/recv operation';

/** A Slurm double whose `scontrol update` refuses the first `refusals` times. */
class RefusingPort extends RecordingAllocationPort {
  refusals = 0;
  shrinks = 0;
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
}

let c: Coordinator;
let port: RefusingPort;
let scene: string;

beforeEach(() => {
  port = new RefusingPort();
  ({ c, scene } = inProcessCoordinator({ port }));
});

async function twoNodeJob() {
  const job = await c.submit({ kind: 'blender', scene, frames: '1-20', nodes: 2 });
  // Reconcile passes skip allocations recorded since their Slurm listing began: let a tick pass.
  await sleep(5);
  await reconcileAllocations(c.reconcilePorts);
  for (const node of ['node1', 'node2'])
    if ('exit' in c.register(job.id, { node, gpu: '0', slurmJobId: 100 })) throw new Error(node);
  return job;
}

describe('giving a node back when Slurm says "not now"', () => {
  it('tries the shrink again with growing pauses until Slurm takes it', async () => {
    const job = await twoNodeJob();
    port.refusals = 2;
    await c.scaler.scale(job.id, { remove: 1, now: true });
    expect(port.shrinks).toBe(3);
    expect(c.store.allocations.list(job.id)[0]?.nodes).toEqual(['node1']);
    const retries = c.store.events.list(job.id).filter((e) => e.type === 'scale:retry');
    expect(retries.map((e) => e.message)).toEqual([
      expect.stringMatching(/releasing node2 .* not now .* again in 0.5 s/),
      expect.stringMatching(/again in 1 s/),
    ]);
  }, 20_000);

  it('keeps the node and puts its agent back to work when Slurm never takes it', async () => {
    const job = await twoNodeJob();
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

describe('a second shrink of one allocation', () => {
  it('is refused before anything is drained, saying Slurm resizes a job only once', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-20', nodes: 3 });
    await sleep(5);
    await reconcileAllocations(c.reconcilePorts);
    for (const node of ['node1', 'node2', 'node3'])
      if ('exit' in c.register(job.id, { node, gpu: '0', slurmJobId: 100 })) throw new Error(node);
    await c.scaler.scale(job.id, { remove: 1, now: true });
    await expect(c.scaler.scale(job.id, { remove: 1, now: true })).rejects.toThrow(
      /Slurm job 100 was resized once already.*refuses to resize a job twice/,
    );
    const states = c.store.agents.list(job.id).map((a) => a.state);
    expect(states.sort()).toEqual(['active', 'active', 'gone']);
  });
});

describe('a second shrink on a Slurm that resizes a job again (24.11)', () => {
  it('releases another node of the same allocation', async () => {
    port.resizesOnceAnswer = false;
    const job = await c.submit({ kind: 'blender', scene, frames: '1-20', nodes: 3 });
    await sleep(5);
    await reconcileAllocations(c.reconcilePorts);
    for (const node of ['node1', 'node2', 'node3'])
      if ('exit' in c.register(job.id, { node, gpu: '0', slurmJobId: 100 })) throw new Error(node);
    await c.scaler.scale(job.id, { remove: 1, now: true });
    await c.scaler.scale(job.id, { remove: 1, now: true });
    expect(port.shrinks).toBe(2);
    expect(c.store.allocations.list(job.id)[0]?.nodes).toEqual(['node1']);
    const states = c.store.agents.list(job.id).map((a) => a.state);
    expect(states.sort()).toEqual(['active', 'gone', 'gone']);
  });
});

describe('an attached allocation Slurm has resized once', () => {
  it('still goes back whole, with scancel', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-20', nodes: 1 });
    await c.scaler.scale(job.id, { add: 2 });
    await sleep(5);
    await reconcileAllocations(c.reconcilePorts);
    const attached = c.store.allocations.list(job.id).find((a) => a.role === 'attached');
    for (const node of attached?.nodes ?? [])
      if ('exit' in c.register(job.id, { node, gpu: '0', slurmJobId: attached?.slurmJobId ?? 0 }))
        throw new Error(node);
    await c.scaler.scale(job.id, { remove: 1, now: true });
    await c.scaler.scale(job.id, { remove: 1, now: true });
    const after = c.store.allocations.list(job.id).find((a) => a.role === 'attached');
    expect(after?.state).toBe('ended');
    expect(port.cancelled).toContain(attached?.slurmJobId);
  });
});
