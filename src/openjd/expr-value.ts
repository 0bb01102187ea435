/**
 * A value of an EXPR expression, as the evaluator and its functions hold it. An int is a 64-bit
 * signed integer (RFC 0005), held as a bigint so that every value in range is exact; a float is
 * a finite IEEE double, never -0.0. A float only copied from where it was written (a literal, a
 * FLOAT parameter, through a binding, list or `if`) keeps that text: `3.500` prints as `3.500`; a
 * computed one prints as Python's shortest repr (`4.5`, `1e+16`).
 */
export type Value =
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number; text?: string }
  | { t: 'string'; v: string }
  | { t: 'path'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'list'; v: Value[] }
  | RangeValue;

/**
 * A run of a range_expr: `start`, `start + step`, ... `end` (its last value), ascending.
 */
export interface IntRun {
  start: bigint;
  end: bigint;
  step: bigint;
}

/**
 * A `range_expr` (RFC 0005): a sorted set of ints held as ascending runs (see expr-range.ts).
 * `text`, where set, is how it is written instead of its canonical form: a task's chunk
 * (`1-4`, `5-9:2`) writes exactly as it was made.
 */
export interface RangeValue {
  t: 'range_expr';
  runs: readonly IntRun[];
  text?: string;
}

/** A run's canonical text: `5`, `5,7` (two values), `1-9` (step 1), `1-9:2`. */
function runText(r: IntRun): string {
  if (r.start === r.end) return String(r.start);
  if (r.start + r.step === r.end) return `${r.start},${r.end}`;
  return r.step === 1n ? `${r.start}-${r.end}` : `${r.start}-${r.end}:${r.step}`;
}

/** A range_expr as `string()` writes it: its runs' canonical text joined by commas. */
export const rangeText = (r: RangeValue): string => r.text ?? r.runs.map(runText).join(',');

/** Why an expression could not be evaluated (a wrong type, a missing value, division by zero). */
export class ExprError extends Error {}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** The longest string an expression may make, and the most items a list it makes may hold: the
 * bounds on evaluation's memory (RFC 0005) every operator and function applies. */
export const MAX_STRING = 1_000_000;
export const MAX_LIST = 100_000;

/** An int value; one outside the 64-bit range is an error, never wrapped or rounded. */
export function intValue(n: bigint): Value {
  if (n < INT64_MIN || n > INT64_MAX)
    throw new ExprError('the result is outside the 64-bit integer range (-2^63 to 2^63-1)');
  return { t: 'int', v: n };
}

/** A float value; an infinite or undefined result is an error, and -0.0 is 0.0. */
export function floatValue(n: number, text?: string): Value {
  if (!Number.isFinite(n)) throw new ExprError('the result is not a finite number');
  return text === undefined ? { t: 'float', v: n === 0 ? 0 : n } : { t: 'float', v: n, text };
}

/** A double as Python's repr writes it: the shortest digits that read back the same. */
export function shortestFloat(n: number): string {
  const [mantissa = '0', exp = '0'] = Math.abs(n).toExponential().split('e');
  const e = Number(exp);
  const digits = mantissa.replace('.', '');
  const sign = n < 0 ? '-' : '';
  if (e < -4 || e >= 16)
    return `${sign}${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, '0');
  return `${sign}${whole}.${digits.slice(e + 1) || '0'}`;
}

/** A float as it is written: its text when only copied, else its shortest repr. */
export const floatText = (v: { v: number; text?: string }): string => v.text ?? shortestFloat(v.v);

/** A number's value as a double (an int above 2^53 rounds to the nearest one). */
export const toDouble = (v: { t: 'int' | 'float'; v: bigint | number }): number => Number(v.v);

/**
 * A value as `string()` writes it: a float as floatText, true/false, null as `null`, a list as
 * JSON (strings quoted, `[1, 2]` with a space after each comma, as Python's json.dumps).
 */
export function toText(v: Value): string {
  switch (v.t) {
    case 'null':
      return 'null';
    case 'bool':
      return v.v ? 'true' : 'false';
    case 'float':
      return floatText(v);
    case 'int':
      return String(v.v);
    case 'range_expr':
      return rangeText(v);
    case 'list':
      return `[${v.v.map((x) => (x.t === 'string' || x.t === 'path' ? JSON.stringify(x.v) : toText(x))).join(', ')}]`;
    default:
      return v.v;
  }
}

/**
 * A list of `items` with one item type, as RFC 0005 promotes them (ints among floats become
 * floats, paths among strings strings): the one rule for list literals and concatenation.
 */
export function makeList(items: Value[]): Value {
  const promote = promotion(items);
  if (promote) return { t: 'list', v: items.map(promote) };
  // lists of lists: the same promotion over the inner items (`[[1], [2.0]]` is list[list[float]])
  if (items.length && items.every((x) => x.t === 'list')) {
    const inner = promotion(items.flatMap((x) => (x.t === 'list' ? x.v : [])));
    if (inner)
      return {
        t: 'list',
        v: items.map((x) => (x.t === 'list' ? { t: 'list', v: x.v.map(inner) } : x)),
      };
  }
  return { t: 'list', v: items };
}

/** How items of mixed int/float or path/string types are made one type; undefined when they need not be. */
function promotion(items: Value[]): ((x: Value) => Value) | undefined {
  const all = (...ts: Value['t'][]) => items.every((x) => ts.includes(x.t));
  const has = (t: Value['t']) => items.some((x) => x.t === t);
  if (has('float') && has('int') && all('int', 'float'))
    return (x) => (x.t === 'int' ? { t: 'float', v: Number(x.v) } : x);
  if (has('path') && has('string') && all('path', 'string'))
    return (x) => (x.t === 'path' ? { t: 'string', v: x.v } : x);
  return undefined;
}
