import { ExprError } from './expr-operators.js';
import type { Value } from './expr-value.js';

/**
 * RFC 0005 "Operation-Bounded Evaluation": each function call, operator and property read is one
 * operation; a list walked (a comprehension, `range`, `sum`, list `+`, ...) adds its length; a
 * string or path processed adds its length / 256, rounded up. One evaluation may take
 * OPERATION_LIMIT operations (the RFC's recommended default), so an expression evaluated at check,
 * at submission and on a host stays bounded in time wherever it runs. "Memory-Bounded
 * Evaluation" likewise, approximately: no value made, and no list a comprehension is building,
 * may hold more than MEMORY_LIMIT bytes (as sizeOf estimates them).
 */
export const OPERATION_LIMIT = 10_000_000;
export const MEMORY_LIMIT = 100_000_000;

const scalarSize = (v: Value): number =>
  v.t === 'string' || v.t === 'path'
    ? 40 + 2 * v.v.length
    : v.t === 'list'
      ? 40 + 8 * v.v.length
      : v.t === 'range_expr'
        ? 40 + 24 * v.runs.length
        : 16;

/** About the bytes `v` holds: a list's items one level down (a shared value counted each time). */
export function sizeOf(v: Value): number {
  return v.t === 'list' ? v.v.reduce((n, x) => n + 8 + scalarSize(x), 40) : scalarSize(v);
}

/** Functions that walk every item of a list they take or make (RFC 0005's list). */
const WALKS_LISTS = new Set([
  'sum',
  'min',
  'max',
  'any',
  'all',
  'sorted',
  'reversed',
  'flatten',
  'join',
  'contains',
  'range',
  'repr_sh',
  'repr_py',
  'repr_json',
  'repr_pwsh',
  'repr_cmd',
]);
/** Functions that read a string without processing its text. */
const READS_NOTHING = new Set(['len']);

const textCost = (v: Value): number =>
  v.t === 'string' || v.t === 'path' ? Math.ceil(v.v.length / 256) : 0;
const listCost = (v: Value): number => (v.t === 'list' ? v.v.length : 0);

/** The operations one evaluation has used. */
export class OperationCount {
  private used = 0;

  constructor(
    private readonly limit = OPERATION_LIMIT,
    private readonly memory = MEMORY_LIMIT,
  ) {}

  /** Refuses a value (or a list being built) of `bytes` over the memory limit. */
  hold(bytes: number): void {
    if (bytes > this.memory)
      throw new ExprError(
        `the expression makes a value of more than ${this.memory} bytes: make it smaller`,
      );
  }

  add(n: number): void {
    this.used += n;
    if (this.used > this.limit)
      throw new ExprError(
        `the expression takes more than ${this.limit} operations: make it do less work`,
      );
  }

  /** One call of `fn` (a function, or an operator's symbol) on `args` that made `result`. */
  call(fn: string, args: readonly Value[], result: Value): void {
    const all = [...args, result];
    let n = 1;
    if (!READS_NOTHING.has(fn)) n += Math.max(0, ...all.map(textCost));
    if (WALKS_LISTS.has(fn) || fn === '+' || fn === '*' || fn === '==' || fn === '!=')
      n += Math.max(0, ...all.map(listCost));
    this.add(n);
    this.hold(sizeOf(result));
  }
}
