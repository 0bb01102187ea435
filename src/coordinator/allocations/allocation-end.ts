import type { EventLevel } from '../../api/events.js';

/**
 * How an allocation's end reads in the history: routine (`detail`) when it was the coordinator's
 * doing (`ours`) or Slurm says it COMPLETED, else as its type says. One of the coordinator's that
 * Slurm reports CANCELLED is said to be released: cancelling is how the coordinator lets go.
 */
export function allocationEnd(
  slurmJobId: number,
  slurmState: string | undefined,
  ours: boolean,
): { message: string; level: EventLevel | undefined } {
  if (ours && slurmState !== undefined && /^CANCELLED[^)]*$/.test(slurmState))
    return {
      message: `Slurm job ${slurmJobId} released (Slurm reports it CANCELLED)`,
      level: 'detail',
    };
  return {
    message: `Slurm job ${slurmJobId} ended${slurmState === undefined ? '' : ` (${slurmState})`}`,
    level: ours || slurmState?.startsWith('COMPLETED') ? 'detail' : undefined,
  };
}
