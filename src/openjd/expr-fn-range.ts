import { arity, integer, type Fn } from './expr-fn-args.js';
import { itemsOf, rangeFromInts, rangeFromText } from './expr-range.js';
import type { Value } from './expr-value.js';

/** The range_expr functions of RFC 0006: `range_expr(text or ints)` and `list(r)`. */

function rangeExpr(a: Value[]): Value {
  arity(a, 1);
  const v = a[0] as Value;
  if (v.t === 'range_expr') return v;
  if (v.t === 'string') return rangeFromText(v.v);
  if (v.t === 'list') return rangeFromInts(v.v.map((x) => integer(x)));
  throw new Error('needs a string such as "1-10:2" or a list of ints');
}

function list(a: Value[]): Value {
  arity(a, 1);
  const items = itemsOf(a[0] as Value);
  if (!items) throw new Error('needs a list or a range_expr');
  return { t: 'list', v: [...items] };
}

export const RANGE_FUNCTIONS: Readonly<Record<string, Fn>> = { range_expr: rangeExpr, list };
