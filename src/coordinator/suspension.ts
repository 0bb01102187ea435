import { UsageError } from '../errors.js';
import type { Actor, RecordFn } from './history.js';
import type { AllocationShape } from './jobs/job-type.js';
import type { AllocationsTable } from './store/tables/allocations.js';
import type { JobsTable } from './store/tables/jobs.js';
import type { JobRow } from './store/types.js';

/** What suspending and resuming jobs needs. */
export interface SuspensionPorts {
  store: {
    jobs: Pick<JobsTable, 'update' | 'inState'>;
    allocations: Pick<AllocationsTable, 'list'>;
  };
  record: RecordFn;
  requireJob: (jobId: string) => JobRow;
  shapeOf: (job: JobRow) => AllocationShape;
  /** Whether the job's kind runs a service (its own program, not tasks): never suspended. */
  isService: (job: JobRow) => boolean;
  /** Wakes the job's agents (they find work again on resume). */
  notify: (jobId: string) => void;
  /** Drains and gives back every node of the job, keeping the nodes it wants (Scaler.releaseAll). */
  releaseAll: (jobId: string, actor: Actor, why: string) => Promise<void>;
  /** Asks for the nodes the job wants and holds no more (Scaler.growBack). */
  growBack: (jobId: string, actor: Actor, why: string) => Promise<number>;
  /** How long a suspended job keeps its nodes before they go back (ms). */
  graceMs: number;
  now: () => number;
}

/** The default `graceMs`: a resume within a minute finds the nodes still there. */
export const DEFAULT_SUSPEND_GRACE_MS = 60_000;

/**
 * Suspends and resumes jobs. A suspended job stays `running` (its tasks, stages and allocations
 * are untouched; the view shows `suspended`): the scheduler leases none of its tasks, so running
 * ones finish and nothing new starts; after the grace its nodes go back as a shrink gives them
 * back (no task is cut short), and reconciliation and autoscaling leave it alone. Resuming leases
 * again and asks Slurm for the nodes the job wanted. The time spent suspended is kept apart so
 * that the job's elapsed time leaves it out.
 */
export class Suspension {
  /** Jobs whose nodes are being given back now. */
  private readonly releasing = new Set<string>();

  constructor(private readonly p: SuspensionPorts) {}

  suspend(jobId: string, actor: Actor): void {
    const job = this.p.requireJob(jobId);
    if (job.state !== 'running' && job.state !== 'queued')
      throw new UsageError(`job ${jobId} is ${job.state}: only a running job can be suspended`);
    if (job.suspendedAt != null)
      throw new UsageError(`job ${jobId} is suspended already: \`cluster-tool resume ${jobId}\``);
    if (this.p.isService(job) || this.p.shapeOf(job) !== 'per-node')
      throw new UsageError(
        `job ${jobId} is a ${job.kind} session, which runs as one allocation: cancel it instead`,
      );
    this.p.store.jobs.update(jobId, { suspendedAt: this.p.now() });
    const graceSeconds = Math.round(this.p.graceMs / 1000);
    this.p.record(
      jobId,
      'job:suspended',
      actor,
      `suspended: running tasks finish, no new ones start; its nodes go back in ${graceSeconds} s`,
      { graceSeconds },
    );
    this.p.notify(jobId);
  }

  /** Resumes a suspended job: its tasks are leased again and its nodes asked for again. */
  async resume(jobId: string, actor: Actor): Promise<void> {
    const job = this.p.requireJob(jobId);
    if (job.suspendedAt == null)
      throw new UsageError(`job ${jobId} is not suspended (it is ${job.state})`);
    const ms = Math.max(0, this.p.now() - job.suspendedAt);
    const suspendedMs = (job.suspendedMs ?? 0) + ms;
    // Nodes first, while it is still suspended: reconciliation, which starts a job left with no
    // allocation afresh, must not ask for them a second time meanwhile.
    if (job.state === 'running') await this.p.growBack(jobId, actor, 'resumed');
    this.p.store.jobs.update(jobId, { suspendedAt: null, suspendedMs });
    const suspendedSeconds = Math.round(ms / 1000);
    this.p.record(jobId, 'job:resumed', actor, `resumed after ${suspendedSeconds} s suspended`, {
      suspendedSeconds,
    });
    this.p.notify(jobId);
  }

  /** Gives back the nodes of jobs suspended longer than the grace (a loop calls it). */
  tick(): void {
    const now = this.p.now();
    for (const job of this.p.store.jobs.inState('running')) {
      if (job.suspendedAt == null || now < job.suspendedAt + this.p.graceMs) continue;
      if (this.releasing.has(job.id)) continue;
      const live = this.p.store.allocations.list(job.id).some((a) => a.state !== 'ended');
      if (!live) continue;
      this.releasing.add(job.id);
      void this.p
        .releaseAll(job.id, 'coordinator', 'the job is suspended')
        .catch(() => {})
        .finally(() => this.releasing.delete(job.id));
    }
  }
}
