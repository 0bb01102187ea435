/**
 * Which lines of a job's Slurm output a release printed. When nodes are given back (`scale
 * --remove`, the autoscaler), Slurm ends the job step on them and srun and slurmstepd say so
 * (`srun: error: node3: task 2: Killed`, `*** STEP 7.0 ON node3 CANCELLED AT …`): expected lines,
 * not failures. Each such line is matched to the release of the node it names; a line that names
 * no node belongs to the release of a neighbour it stands with.
 */

/** A release as the history has it (`scale:shrink` with nodes). */
export interface Release {
  nodes: readonly string[];
  at: number;
  actor: 'user' | 'policy' | 'coordinator';
}

/** Slurm ending a step: what srun and slurmstepd print when a node's step is cancelled. */
const STEP_ENDED =
  /\*\*\* (STEP|JOB) [\d.]+ ON \S+ CANCELLED AT|srun: (error: .*(Killed|Terminated)|forcing job termination|Job step aborted|got SIGCONT|Cancelled)|slurmstepd: error: .*(CANCELLED|Killed|Terminated)|exit code 143|^Terminated$/;

/** A step-ending line that says which node: `ON node3 CANCELLED`, `srun: error: node3: task`. */
const NAMES_NODE = / ON \S+ CANCELLED|srun: error: [^:\s]+: tasks? /;

/** The time a `CANCELLED AT 2026-…T12:00:00` line gives (Slurm's local time), if any. */
function cancelledAt(line: string): number | undefined {
  const m = / CANCELLED AT (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)/.exec(line);
  if (!m?.[1]) return undefined;
  const t = new Date(m[1]).getTime();
  return Number.isNaN(t) ? undefined : t;
}

const byWhom = (r: Release) =>
  r.actor === 'user'
    ? 'scale --remove'
    : r.actor === 'policy'
      ? 'the autoscaler'
      : 'the coordinator';

/** What a line from a release is marked with. */
export function releaseNote(node: string, r: Release): string {
  return `released ${node} by ${byWhom(r)} at ${new Date(r.at).toISOString().replace(/\.\d+Z$/, 'Z')}`;
}

/** A cancel time within this of a release is that release's (clocks and Slurm's delay). */
const NEAR_MS = 5 * 60_000;

/**
 * For each line, the release that printed it (its note), or null. A line is a release's when it
 * is Slurm ending a step and names a released node (and, when it says when, said so near the
 * release); a step-ending line naming no node takes the note of the marked line next to it.
 */
export function releaseMarks(
  lines: readonly string[],
  releases: readonly Release[],
): (string | null)[] {
  const marks: (string | null)[] = lines.map((line) => {
    if (!STEP_ENDED.test(line)) return null;
    const when = cancelledAt(line);
    for (const r of [...releases].reverse())
      for (const node of r.nodes) {
        if (!new RegExp(`(^|[^\\w-])${node.replace(/[^\w-]/g, '\\$&')}([^\\w-]|$)`).test(line))
          continue;
        if (when !== undefined && Math.abs(when - r.at) > NEAR_MS) continue;
        return releaseNote(node, r);
      }
    return null;
  });
  // A step-ending line naming no node (`srun: Job step aborted: …`) stands with its neighbours.
  for (let pass = 0; pass < 2; pass++)
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (marks[i] || !STEP_ENDED.test(line) || NAMES_NODE.test(line)) continue;
      marks[i] = marks[i - 1] ?? marks[i + 1] ?? null;
    }
  return marks;
}
