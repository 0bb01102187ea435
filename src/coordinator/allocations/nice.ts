import { PRIORITY_MAX } from '../../api/priority.js';

/**
 * Nice per point of priority. Slurm's priority/basic (the default of 22.05, and the local
 * cluster's) gives each job submitted one less than the one before, less its nice: a point of
 * priority outweighs a hundred submissions in between. priority/multifactor subtracts nice from
 * its weighted sum and floors at 1, so it orders by nice only where the site's weights leave more
 * than this range (see docs/farm.md).
 */
export const NICE_PER_POINT = 100;

/**
 * The Slurm nice value of an allocation of a job with this priority: 0 for the highest, larger
 * for lower ones. Never negative: only operators may give a negative nice, and any user may set
 * a pending job's nice to any value of 0 or more.
 */
export function niceOf(priority: number): number {
  return Math.max(0, PRIORITY_MAX - Math.round(priority)) * NICE_PER_POINT;
}
