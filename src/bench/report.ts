import type { FrameCost } from './frame-costs.js';

/** Targets from the issue: ours/other makespan at most these, ours' overhead under 5%. */
export const TARGETS = { vsStaticSplit: 0.85, vsJobArray: 0.7, overhead: 0.05 } as const;

/** What the coordinator leg ("ours") measured. */
export interface OursResult {
  makespanSeconds: number;
  /** Blender's own render time summed over every frame ours rendered. */
  renderSecondsTotal: number;
  /** Per-frame time ours spent beyond Blender's render time, as a fraction of it. */
  overheadFraction: number;
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
  return [
    `Per-frame cost profile (Blender's own render time, one thread):`,
    formatCostProfile(input.profile),
    '',
    `Makespans on ${slots} slots (ideal ${seconds(ideal)}: total render time / slots, or the costliest frame):`,
    table(rows),
    '',
    `  ours: per-frame overhead beyond Blender's render time: ${overheadText}` +
      ` (target < ${TARGETS.overhead * 100}%) ${verdict(overhead, TARGETS.overhead, false)}`,
  ].join('\n');
}

/** Prints the render-efficiency section; `ours` prints as `n/a` when absent. */
export function reportRenderEfficiency(
  input: RenderEfficiencyInput,
  write: (text: string) => void = (t) => console.log(t),
): void {
  write(formatRenderEfficiency(input));
}
