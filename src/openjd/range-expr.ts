import { CHUNK_INT } from './chunk-type.js';

/**
 * Integer range expressions (2023-09 Template Schemas §3.4.1.1.1, openjd-specifications wiki):
 * `"1-100:2,200"`. Each element is `x`, `x-y` or `x-y:n`; the values of all elements are listed in
 * increasing order, and no two elements may overlap.
 *
 * Where the spec and the reference implementation differ, this follows the spec's own table:
 * `"1 - -1"` is `[1]` (the spec's set `{x} ∪ {x+m ≤ y}`), where openjd-model-for-python refuses a
 * descending range without a negative step.
 */

/**
 * Most values one expression may stand for: OpenJD's limit on a task parameter's values, the same
 * as for a list (the specification's conformance suite refuses "1-1025").
 */
export const MAX_RANGE_VALUES = 1024;

/**
 * Most values a CHUNK[INT] range may stand for: its values become chunks, a task each, so it may
 * have as many as a step may have tasks (`MAX_TASKS_PER_STEP`); the reference implementation sets
 * no limit on it, and a frame range of a few thousand is common.
 */
export const MAX_CHUNK_RANGE_VALUES = 100_000;

/** The most values a task parameter's range expression may stand for. */
export function rangeValueLimit(p: { type: string }): number {
  return p.type === CHUNK_INT ? MAX_CHUNK_RANGE_VALUES : MAX_RANGE_VALUES;
}

interface Element {
  text: string;
  start: number;
  end: number;
  step: number;
  /** The interval the element spans, for the overlap rule. */
  low: number;
  high: number;
}

const ELEMENT = /^\s*(-?\d+)\s*(?:-\s*(-?\d+)\s*(?::\s*(-?\d+)\s*)?)?$/;

function parseElement(text: string): Element | string {
  const m = ELEMENT.exec(text);
  if (!m) {
    return `"${text.trim()}" is not an element of a range expression: write N, N-M or N-M:STEP (for example "1-100:2,200")`;
  }
  const nums = [m[1], m[2], m[3]].map((s) => (s === undefined ? undefined : Number(s)));
  if (nums.some((n) => n !== undefined && !Number.isSafeInteger(n)))
    return `"${text.trim()}" has a number too large to count with`;
  const start = nums[0] as number;
  const end = nums[1] ?? start;
  const step = nums[2] ?? 1;
  if (step === 0) return `"${text.trim()}" has a step of 0: give a step other than zero`;
  return {
    text: text.trim(),
    start,
    end,
    step,
    low: Math.min(start, end),
    high: Math.max(start, end),
  };
}

/** How many values an element stands for, by the spec's set definition. */
function elementLength(e: Element): number {
  const toward = e.step > 0 ? e.end - e.start : e.start - e.end;
  if (toward < 0) return 1;
  return Math.floor(toward / Math.abs(e.step)) + 1;
}

function* elementValues(e: Element): Generator<number> {
  const n = elementLength(e);
  for (let i = 0; i < n; i++) yield e.start + i * e.step;
}

/** The elements of a range expression, or what is wrong with it. */
function rangeElements(expr: string): Element[] | string {
  if (expr.trim() === '') return 'the range expression is empty: give values such as "1-10"';
  const elements: Element[] = [];
  for (const text of expr.split(',')) {
    const e = parseElement(text);
    if (typeof e === 'string') return e;
    elements.push(e);
  }
  const byLow = [...elements].sort((a, b) => a.low - b.low);
  for (let i = 1; i < byLow.length; i++) {
    const prev = byLow[i - 1] as Element;
    const cur = byLow[i] as Element;
    if (cur.low <= prev.high)
      return `"${prev.text}" and "${cur.text}" overlap: give each value in one element only`;
  }
  return elements;
}

/**
 * What is wrong with a range expression, without counting its values (a RANGE_EXPR job
 * parameter's value, EXPR); undefined when it is one.
 */
export function rangeExprProblem(expr: string): string | undefined {
  const elements = rangeElements(expr);
  return typeof elements === 'string' ? elements : undefined;
}

/**
 * Parses a range expression into its values (ascending), or says what is wrong with it; at most
 * `limit` values.
 */
export function parseRangeExpr(
  expr: string,
  limit = MAX_RANGE_VALUES,
): { values: number[] } | { error: string } {
  const elements = rangeElements(expr);
  if (typeof elements === 'string') return { error: elements };
  const total = elements.reduce((n, e) => n + elementLength(e), 0);
  if (total > limit)
    return {
      error: `the range stands for ${total} values; ${limit === MAX_RANGE_VALUES ? 'a task parameter' : 'a CHUNK[INT] parameter'} may have at most ${limit}: split the range across steps${limit === MAX_RANGE_VALUES ? ', or let each task do several values' : ''}`,
    };
  const values: number[] = [];
  for (const e of elements) for (const v of elementValues(e)) values.push(v);
  return { values: values.sort((a, b) => a - b) };
}

/**
 * The ascending runs (`start`, `start + step`, ... `end`, step > 0) a range expression stands
 * for, without listing its values (EXPR's range_expr value), or what is wrong with it.
 */
export function rangeRuns(expr: string): { start: number; end: number; step: number }[] | string {
  const elements = rangeElements(expr);
  if (typeof elements === 'string') return elements;
  return elements.map((e) => {
    const n = elementLength(e);
    const last = e.start + (n - 1) * e.step;
    if (n === 1) return { start: e.start, end: e.start, step: 1 };
    return e.step > 0
      ? { start: e.start, end: last, step: e.step }
      : { start: last, end: e.start, step: -e.step };
  });
}
