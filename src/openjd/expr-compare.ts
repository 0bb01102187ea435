import { compareNumbers, describe, num } from './expr-operators.js';
import { itemsOf, rangeHas, rangeLength } from './expr-range.js';
import { ExprError, type Value } from './expr-value.js';

/** The comparison operators of EXPR expressions: `== != < <= > >= in not in` (RFC 0005/0006). */

function equal(a: Value, b: Value): boolean {
  if (num(a) && num(b)) return compareNumbers(a, b) === 0;
  // a range_expr equals a list or range_expr of the same ints (counted before it is listed)
  const count = (v: Value) =>
    v.t === 'range_expr' ? rangeLength(v) : BigInt(itemsOf(v)?.length ?? -1);
  if ((a.t === 'range_expr' || b.t === 'range_expr') && count(a) !== count(b)) return false;
  const [as, bs] = [itemsOf(a), itemsOf(b)];
  if (as && bs) return as.length === bs.length && as.every((x, i) => equal(x, bs[i] as Value));
  if (as || bs) return false;
  const text = (v: Value) => (v.t === 'path' ? 'string' : v.t);
  return text(a) === text(b) && ('v' in a ? a.v : null) === ('v' in b ? b.v : null);
}

/**
 * -1, 0 or 1 as `a` orders before, with or after `b` (RFC 0006): numbers by value, strings and
 * paths by text, bools false first, lists item by item (a shorter prefix first).
 */
function order(a: Value, b: Value): number {
  if (num(a) && num(b)) return compareNumbers(a, b);
  if ((a.t === 'string' || a.t === 'path') && (b.t === 'string' || b.t === 'path'))
    return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  if (a.t === 'bool' && b.t === 'bool') return Number(a.v) - Number(b.v);
  if (a.t === 'list' && b.t === 'list') {
    for (let i = 0; i < a.v.length && i < b.v.length; i++) {
      const c = order(a.v[i] as Value, b.v[i] as Value);
      if (c !== 0) return c;
    }
    return Math.sign(a.v.length - b.v.length);
  }
  throw new ExprError(`${describe(a)} and ${describe(b)} cannot be ordered`);
}

export function compare(op: string, a: Value, b: Value): boolean {
  if (op === '==') return equal(a, b);
  if (op === '!=') return !equal(a, b);
  if (op === 'in' || op === 'not in') {
    let found: boolean;
    if (b.t === 'list') found = b.v.some((x) => equal(a, x));
    else if (b.t === 'range_expr' && a.t === 'int') found = rangeHas(b, a.v);
    else if ((b.t === 'string' || b.t === 'path') && (a.t === 'string' || a.t === 'path'))
      found = b.v.includes(a.v);
    else throw new ExprError(`"in" needs a list or a string on its right, not ${describe(b)}`);
    return op === 'in' ? found : !found;
  }
  const c = order(a, b);
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}
