import { describe, ExprError } from './expr-operators.js';
import { rangeAt, rangeFromInts, rangeLength } from './expr-range.js';
import { intValue, MAX_LIST, type Value } from './expr-value.js';

/**
 * Indexing and slicing (RFC 0005 "Slicing"; RFC 0006 `__getitem__`) of lists and strings, as
 * Python does them: negative indices count from the end, slice bounds are clamped, a negative
 * step walks backwards (`[::-1]` reverses). A string is indexed by character (code point). A
 * range_expr is indexed without listing it; its slice is a range_expr, or a list when reversed
 * (a range_expr is always ascending).
 */

function items(v: Value): Value[] | string[] {
  if (v.t === 'list') return v.v;
  if (v.t === 'string') return [...v.v];
  throw new ExprError(`${describe(v)} cannot be indexed or sliced`);
}

function intOf(v: Value, what: string): number {
  if (v.t !== 'int') throw new ExprError(`${what} must be an int, not ${describe(v)}`);
  return Number(v.v);
}

export function indexValue(obj: Value, i: Value): Value {
  if (obj.t === 'range_expr') {
    const n = intOf(i, 'an index');
    const at = rangeAt(obj, BigInt(n));
    if (at === undefined) throw new ExprError(`index ${n} is out of range`);
    return intValue(at);
  }
  const all = items(obj);
  const n = intOf(i, 'an index');
  const item = all[n < 0 ? all.length + n : n];
  if (item === undefined) throw new ExprError(`index ${n} is out of range`);
  return typeof item === 'string' ? { t: 'string', v: item } : item;
}

/** The positions `[lo:hi:step]` picks from `len` items (Python's slice.indices). */
function positions(len: number, lo: number | null, hi: number | null, step: number): number[] {
  if (step === 0) throw new ExprError('a slice step cannot be 0');
  const clamp = (x: number, min: number, max: number) => Math.min(Math.max(x, min), max);
  const bound = (x: number | null, dflt: number, min: number, max: number) =>
    x === null ? dflt : clamp(x < 0 ? x + len : x, min, max);
  const out: number[] = [];
  if (step > 0) {
    const [a, b] = [bound(lo, 0, 0, len), bound(hi, len, 0, len)];
    for (let i = a; i < b; i += step) out.push(i);
  } else {
    const [a, b] = [bound(lo, len - 1, -1, len - 1), bound(hi, -1, -1, len - 1)];
    for (let i = a; i > b; i += step) out.push(i);
  }
  return out;
}

export function sliceValue(obj: Value, lo: Value, hi: Value, step: Value): Value {
  const opt = (v: Value, what: string) => (v.t === 'null' ? null : intOf(v, what));
  if (obj.t === 'range_expr') {
    const by = opt(step, 'a slice step') ?? 1;
    const len = rangeLength(obj);
    if (len > BigInt(MAX_LIST))
      throw new ExprError(`the range_expr has ${len} values; at most ${MAX_LIST} can be sliced`);
    const at = positions(Number(len), opt(lo, 'a slice start'), opt(hi, 'a slice end'), by).map(
      (p) => rangeAt(obj, BigInt(p)) as bigint,
    );
    return by > 0 ? rangeFromInts(at) : { t: 'list', v: at.map(intValue) };
  }
  const all = items(obj);
  const at = positions(
    all.length,
    opt(lo, 'a slice start'),
    opt(hi, 'a slice end'),
    opt(step, 'a slice step') ?? 1,
  );
  if (obj.t === 'string') return { t: 'string', v: at.map((i) => all[i] as string).join('') };
  return { t: 'list', v: at.map((i) => all[i] as Value) };
}
