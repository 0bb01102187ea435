/**
 * The farm bench's work and its arithmetic: twelve jobs of uneven lengths at three priorities,
 * the priority-weighted mean completion time, and the time from a node falling free to the next
 * work starting on it. Pure functions: the legs (farm-ours.ts, farm-slurm.ts) measure, this adds up.
 */

/** One job of the farm: its priority, the nodes it asks for, and its tasks' lengths in units. */
export interface FarmJob {
  name: string;
  priority: number;
  nodes: number;
  /** Each task sleeps this many units; uneven, so that a static split leaves a node idle. */
  units: number[];
}

/**
 * The twelve jobs, in the order both legs submit them: low, middle and high priority in turn,
 * so that neither leg gets the priority order from the submission order. Jobs on two nodes have a
 * long head, which a static split gives to one node.
 */
export const FARM_JOBS: readonly FarmJob[] = [
  { name: 'a1', priority: 30, nodes: 2, units: [4, 4, 1, 1, 1, 1] },
  { name: 'b1', priority: 50, nodes: 1, units: [2, 2, 2] },
  { name: 'c1', priority: 90, nodes: 2, units: [3, 1, 1, 1, 1, 1] },
  { name: 'a2', priority: 30, nodes: 1, units: [5, 3] },
  { name: 'b2', priority: 50, nodes: 2, units: [6, 1, 1, 1] },
  { name: 'c2', priority: 90, nodes: 1, units: [1, 1, 1, 1] },
  { name: 'a3', priority: 30, nodes: 2, units: [1, 1, 1, 1, 1, 1, 1, 1] },
  { name: 'b3', priority: 50, nodes: 1, units: [4] },
  { name: 'c3', priority: 90, nodes: 2, units: [5, 5, 1, 1] },
  { name: 'a4', priority: 30, nodes: 1, units: [2, 1, 1] },
  { name: 'b4', priority: 50, nodes: 2, units: [2, 2, 2, 2, 3, 3] },
  { name: 'c4', priority: 90, nodes: 1, units: [3, 3] },
];

/** Goals: ours' weighted mean at most this share of plain Slurm's; a freed node at work within. */
export const FARM_TARGETS = { weightedMeanRatio: 0.8, freedNodeSeconds: 2 } as const;

/** When one job's work ended, from the common submission instant. */
export interface JobCompletion {
  name: string;
  priority: number;
  /** Seconds from the common submission instant to the job's last task ending. */
  seconds: number;
}

/** Σ priority × completion / Σ priority, seconds; NaN without jobs. */
export function weightedMeanCompletion(jobs: readonly JobCompletion[]): number {
  const weight = jobs.reduce((s, j) => s + j.priority, 0);
  if (weight <= 0) return NaN;
  return jobs.reduce((s, j) => s + j.priority * j.seconds, 0) / weight;
}

/** A Slurm job that held nodes: the nodes, and when it ended (ms; Slurm's EndTime is whole seconds). */
export interface HeldSpan {
  slurmJobId: number;
  nodes: readonly string[];
  endedAt: number;
}

/** One task's run on a node: which Slurm job it ran in, when it started and ended (ms). */
export interface WorkSpan {
  node: string;
  slurmJobId: number;
  startedAt: number;
  endedAt: number;
}

/** A node freed by one Slurm job and the next work on it. */
export interface FreedNodeGap {
  node: string;
  /** The Slurm job whose end freed the node. */
  slurmJobId: number;
  /** When the node fell free: the job's EndTime, or the last work ending there if later (ms). */
  freedAt: number;
  /** When the next task started on it, in another Slurm job (ms). */
  nextWorkAt: number;
  seconds: number;
}

/**
 * For every node a Slurm job gave back that later took more work: the time from the node falling
 * free to the first task starting on it in another Slurm job. Slurm's EndTime has whole seconds,
 * so the end is taken as the later of it and the last work ending on the node before the next
 * starts: a lower bound of the real end, so each gap is at most what it reads.
 */
export function freedNodeGaps(
  held: readonly HeldSpan[],
  work: readonly WorkSpan[],
): FreedNodeGap[] {
  const gaps: FreedNodeGap[] = [];
  for (const h of held) {
    for (const node of h.nodes) {
      const onNode = work.filter((w) => w.node === node);
      const next = onNode
        .filter((w) => w.slurmJobId !== h.slurmJobId && w.startedAt >= h.endedAt)
        .sort((a, b) => a.startedAt - b.startedAt)[0];
      if (!next) continue;
      const lastEnd = onNode
        .filter((w) => w.endedAt <= next.startedAt)
        .reduce((m, w) => Math.max(m, w.endedAt), h.endedAt);
      gaps.push({
        node,
        slurmJobId: h.slurmJobId,
        freedAt: lastEnd,
        nextWorkAt: next.startedAt,
        seconds: (next.startedAt - lastEnd) / 1000,
      });
    }
  }
  return gaps.sort((a, b) => a.freedAt - b.freedAt);
}

/** The median of `xs` (mean of the middle two for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
