import { beforeEach, describe, expect, it } from 'vitest';
import { reconcileAllocations } from '../../src/coordinator/allocations/reconcile.js';
import { Coordinator } from '../../src/coordinator/core.js';
import type { SlurmAllocationState } from '../../src/coordinator/ports.js';
import type { AllocationRow, JobRow } from '../../src/coordinator/store/types.js';
import { RecordingAllocationPort } from '../doubles/allocation-port.js';
import { inProcessCoordinator } from '../helpers/in-process-coordinator.js';

/** A port whose calls can be held open, to interleave a reconcile pass with a submission. */
class GatedPort extends RecordingAllocationPort {
  holdList: Promise<void> | undefined;
  holdSubmit: Promise<void> | undefined;

  override async list(): Promise<SlurmAllocationState[]> {
    const snapshot = await super.list();
    await this.holdList;
    return snapshot;
  }

  override async submit(
    job: JobRow,
    opts: { nodes: number; role: AllocationRow['role'] },
  ): Promise<number> {
    const id = await super.submit(job, opts);
    await this.holdSubmit;
    return id;
  }
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

let clock = 1_000_000;
let c: Coordinator;
let port: GatedPort;
let scene: string;

beforeEach(() => {
  port = new GatedPort();
  ({ c, scene } = inProcessCoordinator({ port, now: () => clock }));
});

describe('reconciling allocations with Slurm while the coordinator submits', () => {
  it('does not end an allocation recorded after the Slurm listing was taken', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-10', nodes: 1 });
    clock += 1000;
    const listing = gate();
    port.holdList = listing.wait;
    const pass = reconcileAllocations(c.reconcilePorts);
    // A grow lands while squeue's answer (without it) is on its way.
    const id = await c.allocate(c.requireJob(job.id), 1, 'attached', 'user');
    listing.open();
    await pass;
    expect(c.store.allocations.list(job.id).find((a) => a.slurmJobId === id)?.state).toBe(
      'pending',
    );
    clock += 1000;
    await reconcileAllocations(c.reconcilePorts);
    expect(c.store.allocations.list(job.id).find((a) => a.slurmJobId === id)?.state).toBe(
      'running',
    );
  });

  it('does not adopt a Slurm job whose sbatch has not been recorded yet', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-10', nodes: 1 });
    const submit = gate();
    port.holdSubmit = submit.wait;
    const grow = c.allocate(c.requireJob(job.id), 1, 'attached', 'user');
    await reconcileAllocations(c.reconcilePorts);
    submit.open();
    const id = await grow;
    const rows = c.store.allocations.list(job.id).filter((a) => a.slurmJobId === id);
    expect(rows).toHaveLength(1);
    expect(c.store.events.list(job.id, 100).some((e) => e.type === 'allocation:adopted')).toBe(
      false,
    );
  });
});

describe('an allocation Slurm is still completing', () => {
  it('is asked to end once per 10 s, not at every pass', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-10', nodes: 1 });
    const [alloc] = c.store.allocations.list(job.id);
    const id = alloc!.slurmJobId;
    // Slurm keeps listing it as completing however often it is cancelled.
    port.cancel = (ids) => {
      port.cancelled.push(...ids);
      return Promise.resolve();
    };
    c.store.jobs.update(job.id, { state: 'failed' });
    for (let i = 0; i < 20; i++) {
      await reconcileAllocations(c.reconcilePorts);
      clock += 1_000;
    }
    expect(port.cancelled.filter((x) => x === id)).toHaveLength(2);
  });
});
