import type { FrameCost } from './frame-costs.js';

/** Targets: ours/other makespan at most these, ours' overhead under 5%, its first frame and its share of the ideal. */
export const TARGETS = {
  vsStaticSplit: 0.85,
  vsJobArray: 0.7,
  overhead: 0.05,
  /** Submission to the first frame file, seconds. */
  firstFrame: 3,
  /**
   * Ours' makespan at least this share of the ideal: the render time of its own frames (as
   * Blender measured them in that run) spread evenly over the slots.
   */
  ofIdeal: 0.85,
} as const;

/** What the coordinator leg ("ours") measured. */
export interface OursResult {
  makespanSeconds: number;
  /** Blender's own render time summed over every frame ours rendered. */
  renderSecondsTotal: number;
  /** The costliest of those frames, seconds (no schedule ends before it does). */
  longestFrameSeconds?: number;
  /** Per-frame time ours spent beyond Blender's render time, as a fraction of it. */
  overheadFraction: number;
  /** Costs paid once per job or agent, not per frame (shown beside the overhead). */
  oneTime?: {
    /** Submission to the first agent's first log line: sbatch, Slurm's start of the script, srun. */
    submitToAgentStartSeconds?: number;
    /** That first line to the first task leased: the agent's load, registration. */
    agentStartToFirstLeaseSeconds?: number;
    /** Blender start with the scene loaded, mean per agent (from the warm-up when there is one). */
    blenderStartSeconds?: number;
    /** How long each agent's first task waited for its Blender, mean per agent. */
    blenderWaitSeconds?: number;
    /** Submission to the first frame file on disk. */
    submitToFirstFrameSeconds?: number;
  };
  /** The per-frame overhead in seconds per frame. */
  overheadPerFrameSeconds?: number;
  /** From the last frame landing to the job's end (the encode stage), not in the makespan. */
  afterLastFrameSeconds?: number;
}

/** Everything the render-efficiency report shows; `ours` is absent until that leg exists. */
export interface RenderEfficiencyInput {
  profile: readonly FrameCost[];
  /** Slots the ways ran on; default 2. */
  slots?: number;
  ours?: OursResult;
  staticSplit: { makespanSeconds: number };
  jobArray: { makespanSeconds: number };
}

/** `PASS` when `value` is at most (`atMost`) or under the target, else `MISS`; `n/a` without a value. */
export function verdict(value: number | undefined, target: number, atMost = true): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  return (atMost ? value <= target : value < target) ? 'PASS' : 'MISS';
}

/** Seconds with one decimal: `12.3 s`. */
export function seconds(s: number): string {
  return `${s.toFixed(1)} s`;
}

/**
 * The shortest makespan any schedule could reach on `slots` slots with no overhead: the total
 * render time spread evenly, but never less than the costliest frame.
 */
export function idealMakespan(profile: readonly FrameCost[], slots: number): number {
  const total = profile.reduce((sum, c) => sum + c.seconds, 0);
  const longest = profile.reduce((max, c) => Math.max(max, c.seconds), 0);
  return Math.max(total / Math.max(1, slots), longest);
}

/** One line per frame with a bar proportional to its render time, then a summary line. */
export function formatCostProfile(profile: readonly FrameCost[], width = 40): string {
  if (profile.length === 0) return '(no frames)';
  const max = Math.max(...profile.map((c) => c.seconds));
  const total = profile.reduce((sum, c) => sum + c.seconds, 0);
  const digits = String(Math.max(...profile.map((c) => c.frame))).length;
  const lines = profile.map((c) => {
    const len = max > 0 ? Math.max(1, Math.round((c.seconds / max) * width)) : 1;
    const bar = '█'.repeat(len).padEnd(width);
    return `  ${String(c.frame).padStart(digits)} ${bar} ${c.seconds.toFixed(2).padStart(6)} s`;
  });
  const min = Math.min(...profile.map((c) => c.seconds));
  lines.push(
    `  ${profile.length} frames, ${seconds(total)} in all; cheapest ${min.toFixed(2)} s, ` +
      `costliest ${max.toFixed(2)} s (${min > 0 ? (max / min).toFixed(0) : '∞'}×)`,
  );
  return lines.join('\n');
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd())
    .join('\n');
}

const ratio = (r: number | undefined): string => (r === undefined ? 'n/a' : r.toFixed(2));

/** The render-efficiency section as text: profile chart, ways table, targets. */
export function formatRenderEfficiency(input: RenderEfficiencyInput): string {
  const slots = input.slots ?? 2;
  const ideal = idealMakespan(input.profile, slots);
  const ours = input.ours?.makespanSeconds;
  const vs = (other: number): number | undefined =>
    ours === undefined || other <= 0 ? undefined : ours / other;
  const vsStatic = vs(input.staticSplit.makespanSeconds);
  const vsArray = vs(input.jobArray.makespanSeconds);
  const eff = (s: number): string => `${Math.round((ideal / s) * 100)}%`;
  const rows = [
    ['way', 'makespan', 'ideal/makespan', 'ours/way', 'target', 'result'],
    [
      'ours (coordinator)',
      ours === undefined ? 'n/a' : seconds(ours),
      ours === undefined ? 'n/a' : eff(ours),
    ],
    [
      'static split',
      seconds(input.staticSplit.makespanSeconds),
      eff(input.staticSplit.makespanSeconds),
      ratio(vsStatic),
      `≤ ${TARGETS.vsStaticSplit}`,
      verdict(vsStatic, TARGETS.vsStaticSplit),
    ],
    [
      'job array',
      seconds(input.jobArray.makespanSeconds),
      eff(input.jobArray.makespanSeconds),
      ratio(vsArray),
      `≤ ${TARGETS.vsJobArray}`,
      verdict(vsArray, TARGETS.vsJobArray),
    ],
  ];
  const overhead = input.ours?.overheadFraction;
  const overheadText =
    overhead === undefined
      ? 'n/a'
      : `${(overhead * 100).toFixed(1)}% of ${seconds(input.ours?.renderSecondsTotal ?? 0)} rendering`;
  const one = input.ours?.oneTime;
  const opt = (v: number | undefined): string => (v === undefined ? 'n/a' : seconds(v));
  const rendered = input.ours?.renderSecondsTotal ?? 0;
  // The ideal of ours' own frames: measured in the same minutes as its makespan, so the machine's
  // speed (shared, and two Blenders slow each other on two cores) cancels out of the ratio.
  const ownIdeal = Math.max(rendered / Math.max(1, slots), input.ours?.longestFrameSeconds ?? 0);
  const share = (of: number): number | undefined =>
    ours === undefined || ours <= 0 || of <= 0 ? undefined : of / ours;
  const pct = (r: number | undefined): string =>
    r === undefined ? 'n/a' : `${Math.round(r * 100)}%`;
  const ofIdeal = share(ownIdeal);
  const oursNotes = input.ours
    ? [
        `  ours: ${pct(ofIdeal)} of the ideal makespan of its own frames (${seconds(ownIdeal)}: ` +
          `Blender's render time in this run, ${seconds(rendered)}, over ${slots} slots) ` +
          `(target ≥ ${TARGETS.ofIdeal * 100}%) ${ofIdeal === undefined ? 'n/a' : ofIdeal >= TARGETS.ofIdeal ? 'PASS' : 'MISS'}`,
        `  ours: ${pct(share(ideal))} of the profile's ideal (${seconds(ideal)}, the frames rendered one at ` +
          "a time before the ways ran); the machine's speed between legs moves this one",
        ...(input.ours.overheadPerFrameSeconds === undefined
          ? []
          : [
              `  ours: that is ${Math.round(input.ours.overheadPerFrameSeconds * 1000)} ms per frame ` +
                '(leases, reports, thumbnails, the file checks)',
            ]),
        `  ours: one-time costs (not per frame): submission → first agent running ` +
          `${opt(one?.submitToAgentStartSeconds)}, → first lease ` +
          `${opt(one?.agentStartToFirstLeaseSeconds)}, Blender start ${opt(one?.blenderStartSeconds)} per agent ` +
          `(${opt(one?.blenderWaitSeconds)} of it after the first lease); submission → first frame file ` +
          `${opt(one?.submitToFirstFrameSeconds)} (target < ${TARGETS.firstFrame} s) ${verdict(one?.submitToFirstFrameSeconds, TARGETS.firstFrame, false)}`,
        `  ours: makespan runs from submission to the last frame file, as for the other ways; the ` +
          `encode stage after it${input.ours.afterLastFrameSeconds === undefined ? '' : ` (${seconds(input.ours.afterLastFrameSeconds)})`} is not part of the comparison`,
      ]
    : [];
  return [
    `Per-frame cost profile (Blender's own render time, one thread):`,
    formatCostProfile(input.profile),
    '',
    `Makespans on ${slots} slots (ideal ${seconds(ideal)}: total render time / slots, or the costliest frame):`,
    table(rows),
    '',
    `  ours: per-frame overhead beyond Blender's render time: ${overheadText}` +
      ` (target < ${TARGETS.overhead * 100}%) ${verdict(overhead, TARGETS.overhead, false)}`,
    ...oursNotes,
  ].join('\n');
}

/** Prints the render-efficiency section; `ours` prints as `n/a` when absent. */
export function reportRenderEfficiency(
  input: RenderEfficiencyInput,
  write: (text: string) => void = (t) => console.log(t),
): void {
  write(formatRenderEfficiency(input));
}

/** Targets for the scheduling-overhead bench (issue 4). */
export const SCHEDULING_TARGETS = { tasksPerSecond: 2_000, latencyP50Ms: 20 } as const;

/** One durability setting's scheduling measurements, as the report needs them. */
export interface SchedulingReportRun {
  synchronous: 'NORMAL' | 'FULL';
  tasks: number;
  agents: number;
  seconds: number;
  tasksPerSecond: number;
  latencyMs: readonly number[];
}

/** The `p`th percentile (nearest rank) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** The scheduling-overhead section as text: one row per durability setting, targets on the default. */
export function formatSchedulingOverhead(runs: readonly SchedulingReportRun[], note = ''): string {
  const ms = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)} ms` : 'n/a');
  const rows = [
    [
      'SQLite durability',
      'tasks',
      'agents',
      'drain',
      'tasks/s',
      'result',
      'lease p50',
      'p95',
      'result',
    ],
  ];
  for (const r of runs) {
    const p50 = percentile(r.latencyMs, 50);
    // The targets are for the default durability; other settings are shown for comparison.
    const judged = r.synchronous === 'NORMAL';
    rows.push([
      r.synchronous === 'NORMAL'
        ? 'WAL, synchronous=NORMAL (default)'
        : `WAL, synchronous=${r.synchronous}`,
      String(r.tasks),
      String(r.agents),
      seconds(r.seconds),
      String(Math.round(r.tasksPerSecond)),
      judged ? verdict(-r.tasksPerSecond, -SCHEDULING_TARGETS.tasksPerSecond) : '(info)',
      ms(p50),
      ms(percentile(r.latencyMs, 95)),
      judged ? verdict(p50, SCHEDULING_TARGETS.latencyP50Ms, false) : '(info)',
    ]);
  }
  return [
    `Targets (default durability): at least ${SCHEDULING_TARGETS.tasksPerSecond} tasks/s; ` +
      `idle agent's lease → newly added task, p50 under ${SCHEDULING_TARGETS.latencyP50Ms} ms`,
    table(rows),
    `  tasks/s: first lease to last completion, every task completed once; latency: ` +
      `${runs[0]?.latencyMs.length ?? 0} samples, from the task's insert to the lease reply reaching an agent`,
    ...(note ? [`  how: ${note}`] : []),
  ].join('\n');
}
