import { rangeRuns } from './range-expr.js';
import {
  ExprError,
  intValue,
  MAX_LIST,
  type IntRun,
  type RangeValue,
  type Value,
} from './expr-value.js';

/**
 * The `range_expr` value of EXPR (RFC 0005 types, RFC 0006 `range_expr()`): a sorted set of
 * ints, held as runs and never listed until something needs its items (a comprehension,
 * `list()`, `+`). `range_expr("1-3") == [1, 2, 3]`; `+` with a list or range makes a list, with
 * a string a string of its text; a slice with a positive step is a range_expr, a reversed one a list.
 */

const runLength = (r: IntRun): bigint => (r.end - r.start) / r.step + 1n;

/** Sorted runs with neighbours of the same step merged (`1,2,3` is `1-3`); overlaps refused. */
function rangeOf(runs: IntRun[], text?: string): RangeValue {
  const sorted = [...runs].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: IntRun[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.end >= r.start)
      throw new ExprError('the range expression has overlapping parts: give each value once');
    if (last && last.step === r.step && last.end + r.step === r.start)
      out[out.length - 1] = { ...last, end: r.end };
    else out.push(r);
  }
  return text === undefined ? { t: 'range_expr', runs: out } : { t: 'range_expr', runs: out, text };
}

/** A range_expr from its text (`"1-10:2,20"`); `keepText` writes it as given (a task's chunk). */
export function rangeFromText(text: string, keepText = false): RangeValue {
  const runs = rangeRuns(text);
  if (typeof runs === 'string') throw new ExprError(runs);
  const big = runs.map((r) => ({
    start: BigInt(r.start),
    end: BigInt(r.end),
    step: BigInt(r.step),
  }));
  return rangeOf(big, keepText ? text.trim() : undefined);
}

/** A range_expr of some ints (sorted, duplicates dropped, arithmetic runs found left to right). */
export function rangeFromInts(values: bigint[]): RangeValue {
  const xs = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const runs: IntRun[] = [];
  for (let i = 0; i < xs.length;) {
    const start = xs[i] as bigint;
    const next = xs[i + 1];
    let j = i + 1;
    if (next !== undefined) {
      const step = next - start;
      while (j < xs.length && xs[j] === start + BigInt(j - i) * step) j++;
      runs.push({ start, end: xs[j - 1] as bigint, step });
    } else runs.push({ start, end: start, step: 1n });
    i = j;
  }
  return { t: 'range_expr', runs };
}

export const rangeLength = (r: RangeValue): bigint =>
  r.runs.reduce((n, run) => n + runLength(run), 0n);

/** The item at position `i` (negative counts from the end), or undefined past either end. */
export function rangeAt(r: RangeValue, i: bigint): bigint | undefined {
  let k = i < 0n ? rangeLength(r) + i : i;
  if (k < 0n) return undefined;
  for (const run of r.runs) {
    const n = runLength(run);
    if (k < n) return run.start + k * run.step;
    k -= n;
  }
  return undefined;
}

export const rangeHas = (r: RangeValue, x: bigint): boolean =>
  r.runs.some((run) => run.start <= x && x <= run.end && (x - run.start) % run.step === 0n);

/** The range's items as ints, in order; one too long to list is an error. */
export function rangeItems(r: RangeValue): Value[] {
  const n = rangeLength(r);
  if (n > BigInt(MAX_LIST))
    throw new ExprError(`the range_expr has ${n} values; at most ${MAX_LIST} can be listed`);
  const out: Value[] = [];
  for (const run of r.runs)
    for (let x = run.start; x <= run.end; x += run.step) out.push(intValue(x));
  return out;
}

/** A value's items when it is a list or a range_expr (what `for`, `+`, `==` and `sum` walk). */
export function itemsOf(v: Value): Value[] | undefined {
  return v.t === 'list' ? v.v : v.t === 'range_expr' ? rangeItems(v) : undefined;
}
