import type { RecordFn, Actor } from '../history.js';
import type { AllocationShape, WarmUp } from '../jobs/job-type.js';
import { SBATCH_AT_ONCE, slurmJobsFor } from './node-jobs.js';
import type { AllocationPort } from '../ports.js';
import type { AllocationRow, JobRow } from '../store/types.js';

/** What submitting and recording allocations needs. */
export interface AllocationsPorts {
  store: {
    allocations: {
      list(jobId?: string): AllocationRow[];
      insert(a: AllocationRow): void;
    };
  };
  slurm: Pick<AllocationPort, 'submit' | 'cancel'>;
  /** How the job's nodes are asked of Slurm (its type's `allocation`). */
  shapeOf: (job: JobRow) => AllocationShape;
  /** What the job's agents load before registering, for the allocation script to pass on. */
  warmUpFor: (job: JobRow) => WarmUp | undefined;
  record: RecordFn;
  now: () => number;
}

/** Submits a job's Slurm allocations and records them; the one place sbatch is asked for. */
export class Allocations {
  /**
   * sbatch calls not yet recorded in the store. Reconciliation leaves Slurm jobs it does not know
   * alone while one is in flight: it is most likely that one, about to be recorded.
   */
  inFlight = 0;

  constructor(private readonly p: AllocationsPorts) {}

  /**
   * Gives a job `nodes` more nodes: the Slurm jobs its type asks for (node-jobs.ts: one
   * allocation, or one single-node job per node), each recorded as it is submitted. Returns the
   * first one's Slurm job id. A failed sbatch fails the call; those submitted before stay recorded.
   */
  async submit(
    job: JobRow,
    nodes: number,
    role: 'primary' | 'attached',
    actor: Actor,
    why = '',
  ): Promise<number> {
    const requests = slurmJobsFor(this.p.shapeOf(job), nodes, role);
    const ids: number[] = [];
    for (let i = 0; i < requests.length; i += SBATCH_AT_ONCE) {
      const batch = requests.slice(i, i + SBATCH_AT_ONCE);
      ids.push(
        ...(await Promise.all(batch.map((r) => this.submitOne(job, r.nodes, r.role, actor, why)))),
      );
    }
    const first = ids[0];
    if (first === undefined)
      throw new Error(`job ${job.id}: no Slurm job to submit for ${nodes} node(s)`);
    return first;
  }

  /** Submits one Slurm job of `nodes` nodes for a job and records it; returns its id. */
  private async submitOne(
    job: JobRow,
    nodes: number,
    role: 'primary' | 'attached',
    actor: Actor,
    why: string,
  ): Promise<number> {
    const primary = this.p.store.allocations
      .list(job.id)
      .find((a) => a.role === 'primary' && a.state !== 'ended');
    let slurmJobId: number;
    const warmUp = this.p.warmUpFor(job);
    this.inFlight++;
    try {
      slurmJobId = await this.p.slurm.submit(job, {
        nodes,
        role,
        ...(role === 'attached' && primary ? { attachTo: primary.slurmJobId } : {}),
        ...(warmUp ? { warmUp } : {}),
      });
    } finally {
      this.inFlight--;
    }
    this.p.store.allocations.insert({
      slurmJobId,
      jobId: job.id,
      role,
      state: 'pending',
      nodes: [],
      requestedNodes: nodes,
      reason: '',
      createdAt: this.p.now(),
      endedAt: null,
    });
    this.p.record(
      job.id,
      'allocation:submitted',
      actor,
      `Slurm job ${slurmJobId}: ${nodes} node(s), ${role}${why ? ` (${why})` : ''}`,
      { slurmJobId, nodes, role },
    );
    return slurmJobId;
  }

  /** Cancels every allocation of a job that has not ended (Slurm errors are logged by the client). */
  async cancelAll(jobId: string): Promise<void> {
    const active = this.p.store.allocations.list(jobId).filter((a) => a.state !== 'ended');
    if (active.length) await this.p.slurm.cancel(active.map((a) => a.slurmJobId));
  }
}
