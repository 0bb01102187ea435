import { priorityProblem } from '../../api/priority.js';
import { UsageError } from '../../errors.js';
import type { Actor, RecordFn } from '../history.js';
import type { AllocationPort } from '../ports.js';
import type { AllocationsTable } from '../store/tables/allocations.js';
import type { JobsTable } from '../store/tables/jobs.js';
import type { JobRow } from '../store/types.js';

/** What changing a job's priority reads and asks of Slurm. */
export interface PriorityPorts {
  store: {
    jobs: Pick<JobsTable, 'update'>;
    allocations: Pick<AllocationsTable, 'list'>;
  };
  slurm: Pick<AllocationPort, 'renice'>;
  record: RecordFn;
}

/**
 * Sets a queued or running job's priority: kept on the job (its next allocations are submitted
 * with it), and its allocations still waiting in Slurm's queue are reordered now. Running ones
 * are left alone: Slurm's order only decides what starts. An allocation that started meanwhile
 * refuses the change, which is noted, not thrown.
 */
export async function setPriority(
  p: PriorityPorts,
  job: JobRow,
  priority: number,
  actor: Actor,
): Promise<void> {
  const problem = priorityProblem(priority);
  if (problem) throw new UsageError(problem);
  if (job.state !== 'queued' && job.state !== 'running')
    throw new UsageError(
      `job ${job.id} has ${job.state}; only a queued or running job's priority changes`,
    );
  p.store.jobs.update(job.id, { priority });
  const pending = p.store.allocations.list(job.id).filter((a) => a.state === 'pending');
  const refused: string[] = [];
  for (const a of pending)
    await p.slurm.renice(a.slurmJobId, priority).catch((err: unknown) => {
      refused.push(`${a.slurmJobId} (${err instanceof Error ? err.message : String(err)})`);
    });
  const reordered = pending.length - refused.length;
  const what =
    pending.length === 0
      ? 'no allocation waits in Slurm now'
      : `${reordered} waiting Slurm job(s) reordered${refused.length ? `; not ${refused.join(', ')}` : ''}`;
  p.record(job.id, 'job:priority', actor, `priority ${job.priority} → ${priority}: ${what}`, {
    from: job.priority,
    to: priority,
    slurmJobIds: pending.map((a) => a.slurmJobId),
  });
}
