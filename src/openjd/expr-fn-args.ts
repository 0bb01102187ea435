import { rangeItems } from './expr-range.js';
import { rangeText, type Value } from './expr-value.js';

/**
 * How the library's functions (expr-fn-*.ts) read their arguments: each reader throws an Error
 * saying what the argument must be; the evaluator names the function in front of it.
 */

export type Fn = (args: Value[]) => Value;
export type Num = { t: 'int'; v: bigint } | { t: 'float'; v: number; text?: string };

export const str = (v: string): Value => ({ t: 'string', v });
export const bool = (v: boolean): Value => ({ t: 'bool', v });

export function arity(args: Value[], min: number, max = min): void {
  if (args.length < min || args.length > max)
    throw new Error(
      `takes ${min === max ? min : `${min} to ${max}`} argument(s), not ${args.length}`,
    );
}

/** A string (or a path, or a range_expr, read as its text). */
export function text(v: Value | undefined, what = 'a string'): string {
  if (v && (v.t === 'string' || v.t === 'path')) return v.v;
  if (v?.t === 'range_expr') return rangeText(v);
  throw new Error(`needs ${what}`);
}

/** A string that must not be empty (a separator, a substring to look for). */
export function nonEmpty(v: Value | undefined, what: string): string {
  const s = text(v);
  if (s === '') throw new Error(`${what} must not be empty`);
  return s;
}

export function numeric(v: Value | undefined): Num {
  if (v && (v.t === 'int' || v.t === 'float')) return v;
  throw new Error('needs a number');
}

/** A number argument as a double. */
export const number = (v: Value | undefined): number => Number(numeric(v).v);

export function integer(v: Value | undefined): bigint {
  if (v?.t === 'int') return v.v;
  throw new Error('needs an int');
}

/** An int argument that is a count or width (a JS number; huge values are clamped). */
export function small(v: Value | undefined): number {
  const n = integer(v);
  return n > 1_000_000_000n ? 1_000_000_000 : n < -1_000_000_000n ? -1_000_000_000 : Number(n);
}

/** A list's items, or a range_expr's (`sum(r)`, `sorted(r)`). */
export function list(v: Value | undefined): Value[] {
  if (v?.t === 'list') return v.v;
  if (v?.t === 'range_expr') return rangeItems(v);
  throw new Error('needs a list');
}

/** The code points of a string (Python indexes and counts by code point). */
export const chars = (s: string): string[] => Array.from(s);
