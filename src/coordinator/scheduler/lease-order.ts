/**
 * How a stage's queued tasks are leased. By default in order (`seq`). A stage leased
 * `costliestFirst` is for frames of one shot, whose render cost changes slowly from frame to
 * frame: it samples the stage at evenly spaced tasks first, then leases each remaining task by
 * the cost of the nearest finished task, costliest first. A job then ends on cheap tasks that
 * fill the slots evenly, not on the costliest ones leased last, which is what sets the makespan
 * when the costly frames of a shot come at its end (docs/scale.md measures it).
 *
 * In the queue this is two numbers per task, `tier` then `key` (then `seq`), lowest first:
 * tier 0 are the samples (key: their place in the sampling order) and, in a plain stage, every
 * task (key 0, so by seq); tier 1 are tasks no finished task near them has measured yet (by
 * seq); tier 2 are tasks with an estimate (key: minus its seconds, so the costliest first).
 * Tasks not yet measured go before estimated ones: until measured, a task may be as costly as
 * any.
 */
import type { CostliestFirst, LeaseOrder, LeaseRank, LeaseTiers } from '../store/types.js';

const LEASE_TIER = { sample: 0, unmeasured: 1, estimated: 2 } as const satisfies LeaseTiers;

/**
 * What the queue is told to keep a stage's estimates by (its stride and these tiers), or nothing
 * for a stage leased in order. The store runs the queries; the tiers are decided here.
 */
export function estimatesOf(order: LeaseOrder | undefined): CostliestFirst | undefined {
  return order && { stride: order.costliestFirst.stride, tiers: LEASE_TIER };
}

/** At least this many samples (in stages of 24 tasks or more), and about √n in large stages. */
const MIN_SAMPLES = 8;

/**
 * The sampling stride of a stage of `n` tasks: about max(8, √n) samples, evenly spaced, but
 * never more than every third task, so that most tasks are leased by their estimate.
 */
export function samplingStride(n: number): number {
  const samples = Math.max(Math.min(MIN_SAMPLES, Math.ceil(n / 3)), Math.ceil(Math.sqrt(n)));
  return Math.max(1, Math.ceil(n / Math.max(1, samples)));
}

/**
 * 0 … m−1 in bisection order: the first, then the middle, then the quarters, and so on, so
 * that the samples leased so far always cover the stage evenly, however few of them there are.
 */
export function bisectionOrder(m: number): number[] {
  const order: number[] = [];
  const seen = new Set<number>();
  const add = (i: number): void => {
    if (i < m && !seen.has(i)) {
      seen.add(i);
      order.push(i);
    }
  };
  add(0);
  // Once k ≥ 2m the odd multiples of m/k land on every whole number below m.
  for (let k = 2; order.length < m; k *= 2)
    for (let j = 1; j < k; j += 2) add(Math.floor((j * m) / k));
  return order;
}

/**
 * A stage's tasks (numbered 0 … n−1 by `seq`, as plans number them) with their places in a
 * costliest-first queue, and the order the stage records. The first task is the first sample,
 * so the first frame of a job is still the first one leased.
 */
export function costliestFirst<T extends { seq: number }>(
  tasks: readonly T[],
): { order: LeaseOrder; tasks: (T & { lease: LeaseRank })[] } {
  const stride = samplingStride(tasks.length);
  const samples = Math.ceil(tasks.length / stride);
  const rankOf = new Map(bisectionOrder(samples).map((sample, rank) => [sample * stride, rank]));
  return {
    order: { costliestFirst: { stride } },
    tasks: tasks.map((t) => {
      const rank = rankOf.get(t.seq);
      return {
        ...t,
        lease:
          rank === undefined
            ? { tier: LEASE_TIER.unmeasured, key: 0 }
            : { tier: LEASE_TIER.sample, key: rank },
      };
    }),
  };
}
