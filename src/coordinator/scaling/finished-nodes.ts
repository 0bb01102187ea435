import type { JobRow, StageRow } from '../store/types.js';
import type { AllocationShape } from '../jobs/job-type.js';
import type { HeldNode } from './pick-nodes.js';

/** What the choice of a job's finished nodes reads. */
export interface FinishedFacts {
  job: Pick<JobRow, 'state' | 'auto' | 'suspendedAt'>;
  shape: AllocationShape;
  stages: readonly Pick<StageRow, 'state'>[];
  /** The job's tasks waiting for an agent (a retry waiting out its pause counts). */
  queued: number;
  /** The job's tasks running now. */
  leased: number;
}

/**
 * Whether a job may give back nodes it has nothing left to lease on: a running per-node job
 * (each node its own Slurm job, so `scancel` frees it at once) that neither the autoscaler nor a
 * suspension steers, with no stage still to come, no task queued, and some task still running
 * (a job with none left is about to end, and ends with all of its nodes).
 */
export function mayReleaseFinished(f: FinishedFacts): boolean {
  return (
    f.job.state === 'running' &&
    f.job.auto === null &&
    f.job.suspendedAt == null &&
    f.shape === 'per-node' &&
    f.stages.every((s) => s.state !== 'waiting') &&
    f.queued === 0 &&
    f.leased > 0
  );
}

/**
 * The nodes of such a job to give back: those where none of its agents holds a task. A node whose
 * agent has not registered yet goes too (it would only find nothing to do); a node with a busy
 * agent stays, so the job always keeps the node its running task is on, where that task's retry
 * runs should it fail.
 */
export function finishedNodes(held: readonly HeldNode[]): HeldNode[] {
  const idle = held.filter((h) => !h.busy && h.agents.every((a) => a.state === 'active'));
  // Never every node: the busy ones stay (`leased > 0`), but a task whose agent is on no held
  // node (a Slurm listing behind) must not leave the job with none.
  return idle.length < held.length ? idle : [];
}
