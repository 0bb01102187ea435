import type { AllocationShape } from '../jobs/job-type.js';
import type { AllocationRow } from '../store/types.js';

/** One Slurm job to submit: how many nodes, and its role. */
export interface NodeJobRequest {
  nodes: number;
  role: AllocationRow['role'];
}

/**
 * The Slurm jobs that give a job `nodes` more nodes. A job of one allocation asks for one Slurm
 * job of all of them. A per-node job asks for one single-node Slurm job per node: each starts as
 * soon as its node is free, and goes back with `scancel`, never with `scontrol update NumNodes`
 * (which Slurm before 24.11 without accounting allows once per job). The first of a start keeps
 * the role asked for, so that `primary` still counts the job's starts; the others are `attached`.
 */
export function slurmJobsFor(
  shape: AllocationShape,
  nodes: number,
  role: AllocationRow['role'],
): NodeJobRequest[] {
  if (nodes < 1) return [];
  if (shape === 'one') return [{ nodes, role }];
  return Array.from({ length: nodes }, (_, i) => ({
    nodes: 1,
    role: i === 0 ? role : 'attached',
  }));
}

/**
 * Whether an allocation carries the whole job, so that its batch host goes back only when the
 * job ends: the primary of a job of one allocation (its batch script is the job's, and a service
 * started there). A per-node job's Slurm jobs are all alike; each may go.
 */
export function carriesJob(shape: AllocationShape, a: Pick<AllocationRow, 'role'>): boolean {
  return shape === 'one' && a.role === 'primary';
}

/** At most this many sbatch calls at once: slurmctld answers them one after another anyway. */
export const SBATCH_AT_ONCE = 8;
