import type {
  AllocationPort,
  AllocationRequest,
  SlurmAllocationState,
} from '../../src/coordinator/ports.js';
import type { AllocationRow, JobRow } from '../../src/coordinator/store/types.js';

/**
 * Test double for the Slurm side of the coordinator (src/coordinator/allocations/slurm-allocator.ts):
 * remembers submissions and answers `list` from them, so the scheduling core can be tested
 * without a cluster. Integration tests use the real SlurmAllocator.
 */
export class RecordingAllocationPort implements AllocationPort {
  submitted: {
    jobId: string;
    nodes: number;
    role: AllocationRow['role'];
    warmUp?: AllocationRequest['warmUp'];
  }[] = [];
  cancelled: number[] = [];
  private next = 100;
  private readonly jobs = new Map<number, SlurmAllocationState>();

  constructor(private readonly nodes = 4) {}

  plan(job: JobRow, opts: { nodes: number }) {
    return { script: '#!/bin/bash\n', args: [`--nodes=${opts.nodes}`, `--job-name=${job.id}`] };
  }

  async submit(job: JobRow, opts: AllocationRequest): Promise<number> {
    const id = this.next++;
    this.submitted.push({
      jobId: job.id,
      nodes: opts.nodes,
      role: opts.role,
      ...(opts.warmUp ? { warmUp: opts.warmUp } : {}),
    });
    // The first nodes none of the job's running allocations holds, as Slurm would give them
    // (single-node jobs of one job land on node1, node2, …).
    const taken = new Set(
      [...this.jobs.values()].filter((j) => j.jobId === job.id && j.active).flatMap((j) => j.nodes),
    );
    const nodes = Array.from({ length: this.nodes }, (_, i) => `node${i + 1}`)
      .filter((n) => !taken.has(n))
      .slice(0, opts.nodes);
    this.jobs.set(id, {
      slurmJobId: id,
      jobId: job.id,
      role: opts.role,
      active: true,
      ...(this.pendingReason
        ? { state: 'PENDING', nodes: [], batchHost: '', reason: this.pendingReason }
        : { state: 'RUNNING', nodes, batchHost: nodes[0] ?? '', reason: 'None' }),
    });
    return Promise.resolve(id);
  }

  /** While set, new allocations wait in the queue with this reason (as a full cluster's do). */
  pendingReason: string | undefined;

  /** What Slurm says of an allocation from now on (a pending one starting, a reason changing). */
  set(slurmJobId: number, change: Partial<SlurmAllocationState>): void {
    const j = this.jobs.get(slurmJobId);
    if (j) this.jobs.set(slurmJobId, { ...j, ...change });
  }

  list(): Promise<SlurmAllocationState[]> {
    return Promise.resolve([...this.jobs.values()]);
  }

  cancel(ids: number[]): Promise<void> {
    this.cancelled.push(...ids);
    for (const id of ids) {
      const j = this.jobs.get(id);
      if (j) this.jobs.set(id, { ...j, active: false, state: 'CANCELLED' });
    }
    return Promise.resolve();
  }

  /** Each renice asked for, in order. */
  reniced: { slurmJobId: number; priority: number }[] = [];

  renice(slurmJobId: number, priority: number): Promise<void> {
    this.reniced.push({ slurmJobId, priority });
    return Promise.resolve();
  }

  shrink(id: number, keep: string[]): Promise<void> {
    const j = this.jobs.get(id);
    if (j) this.jobs.set(id, { ...j, nodes: keep });
    return Promise.resolve();
  }

  /** As Slurm 22.05 without accounting (the local cluster of Debian 12); false as 24.11. */
  resizesOnceAnswer = true;

  resizesOnce(): Promise<boolean> {
    return Promise.resolve(this.resizesOnceAnswer);
  }

  /** How many of the partition's nodes Slurm says are allocated (the first ones); the rest idle. */
  busyNodes = 0;

  partitionNodes() {
    return Promise.resolve(
      Array.from({ length: this.nodes }, (_, i) => ({
        name: `node${i + 1}`,
        state: i < this.busyNodes ? 'allocated' : 'idle',
        flags: [],
        gpus: 4,
        gpusUsed: i < this.busyNodes ? 4 : 0,
      })),
    );
  }
}
