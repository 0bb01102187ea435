import type { JobRow } from '../store/types.js';

/**
 * Who grows first when the partition has fewer free nodes than the autoscaled jobs want: the
 * higher priority, then the older job. Growing a job past the free nodes only queues an
 * allocation in Slurm, where it would wait behind (or ahead of) the others anyway; the free nodes
 * go to the jobs that matter most, and the rest wait for the next tick.
 */
export function growOrder<J extends Pick<JobRow, 'priority' | 'seq'>>(jobs: readonly J[]): J[] {
  return [...jobs].sort((a, b) => b.priority - a.priority || a.seq - b.seq);
}

/** Node flags under which Slurm starts nothing new on a node. */
const UNUSABLE = ['DRAIN', 'DRAINED', 'DRAINING', 'DOWN', 'FAIL', 'NOT_RESPONDING', 'MAINTENANCE'];

/**
 * Nodes a grow could get now: idle ones Slurm may start jobs on (a powered-down cloud node is
 * idle: it boots when asked), less those the allocations already waiting will take first.
 */
export function freeNodes(
  nodes: readonly { state: string; flags: readonly string[] }[],
  waitingFor: number,
): number {
  const idle = nodes.filter(
    (n) => n.state === 'idle' && !n.flags.some((f) => UNUSABLE.includes(f)),
  );
  return Math.max(0, idle.length - waitingFor);
}
