import { pathOperator } from './expr-fn-path.js';
import type { Value } from './expr-functions.js';

/** The operators of EXPR expressions (see expr-parse.ts): arithmetic, comparison, truth. */

/** Why an expression could not be evaluated (a wrong type, a missing value, division by zero). */
export class ExprError extends Error {}

/** The longest string an expression may make. */
const MAX_STRING = 1_000_000;

export const num = (v: Value): v is { t: 'int' | 'float'; v: number } =>
  v.t === 'int' || v.t === 'float';

export function truthy(v: Value): boolean {
  if (v.t === 'null') return false;
  if (v.t === 'list') return v.v.length > 0;
  if (v.t === 'bool') return v.v;
  if (num(v)) return v.v !== 0;
  return v.v !== '';
}

export function checkedInt(n: number): Value {
  if (!Number.isSafeInteger(n)) throw new ExprError('the result is too large for an integer');
  return { t: 'int', v: n };
}

export function describe(v: Value): string {
  return v.t === 'list'
    ? 'a list'
    : v.t === 'null'
      ? 'null'
      : `${v.t === 'int' ? 'an' : 'a'} ${v.t}`;
}

export function arith(op: string, l: Value, r: Value): Value {
  if (num(l) && num(r)) {
    const int = l.t === 'int' && r.t === 'int';
    const f = (n: number): Value => (int ? checkedInt(n) : { t: 'float', v: n });
    if ((op === '/' || op === '//' || op === '%') && r.v === 0)
      throw new ExprError('division by zero');
    switch (op) {
      case '+':
        return f(l.v + r.v);
      case '-':
        return f(l.v - r.v);
      case '*':
        return f(l.v * r.v);
      case '/':
        return { t: 'float', v: l.v / r.v };
      case '//':
        return checkedInt(Math.floor(l.v / r.v));
      case '%':
        return f(l.v - r.v * Math.floor(l.v / r.v));
      case '**':
        return int && r.v >= 0 ? checkedInt(l.v ** r.v) : { t: 'float', v: l.v ** r.v };
    }
  }
  if (op === '+' && l.t === 'string' && r.t === 'string') return { t: 'string', v: l.v + r.v };
  const onPath = pathOperator(op, l, r);
  if (onPath) return onPath;
  if (op === '+' && l.t === 'list' && r.t === 'list') return { t: 'list', v: [...l.v, ...r.v] };
  if (op === '*' && l.t === 'string' && r.t === 'int') {
    // bounded, as RFC 0005 asks: evaluation (at check and submit too) must not exhaust memory
    if (l.v.length * Math.max(0, r.v) > MAX_STRING)
      throw new ExprError(`the result would be longer than ${MAX_STRING} characters`);
    return { t: 'string', v: l.v.repeat(Math.max(0, r.v)) };
  }
  throw new ExprError(`${describe(l)} ${op} ${describe(r)} is not defined`);
}

function equal(a: Value, b: Value): boolean {
  if (num(a) && num(b)) return a.v === b.v;
  if (a.t === 'list' && b.t === 'list')
    return a.v.length === b.v.length && a.v.every((x, i) => equal(x, b.v[i] as Value));
  const text = (v: Value) => (v.t === 'path' ? 'string' : v.t);
  return text(a) === text(b) && ('v' in a ? a.v : null) === ('v' in b ? b.v : null);
}

export function compare(op: string, a: Value, b: Value): boolean {
  if (op === '==') return equal(a, b);
  if (op === '!=') return !equal(a, b);
  if (op === 'in' || op === 'not in') {
    let found: boolean;
    if (b.t === 'list') found = b.v.some((x) => equal(a, x));
    else if ((b.t === 'string' || b.t === 'path') && (a.t === 'string' || a.t === 'path'))
      found = b.v.includes(a.v);
    else throw new ExprError(`"in" needs a list or a string on its right, not ${describe(b)}`);
    return op === 'in' ? found : !found;
  }
  const ordered =
    (num(a) && num(b)) ||
    ((a.t === 'string' || a.t === 'path') && (b.t === 'string' || b.t === 'path'));
  if (!ordered || !('v' in a) || !('v' in b))
    throw new ExprError(`${describe(a)} and ${describe(b)} cannot be ordered`);
  const x = a.v;
  const y = b.v;
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}
