import { pathOperator } from './expr-fn-path.js';
import { itemsOf } from './expr-range.js';
import {
  ExprError,
  floatValue,
  intValue,
  makeList,
  MAX_LIST,
  MAX_STRING,
  toDouble,
  toText,
  type Value,
} from './expr-value.js';

/** The operators of EXPR expressions (see expr-parse.ts): arithmetic, truth (comparison: expr-compare.ts). */

export { ExprError };

type Num = { t: 'int'; v: bigint } | { t: 'float'; v: number };
export const num = (v: Value): v is Num => v.t === 'int' || v.t === 'float';

export function truthy(v: Value): boolean {
  if (v.t === 'null') return false;
  if (v.t === 'list') return v.v.length > 0;
  if (v.t === 'bool') return v.v;
  if (v.t === 'int') return v.v !== 0n;
  if (v.t === 'float') return v.v !== 0;
  if (v.t === 'range_expr') return v.runs.length > 0;
  return v.v !== '';
}

/** -1, 0 or 1 as `a` is less than, equal to or more than `b`, exactly (an int is never rounded). */
export function compareNumbers(a: Num, b: Num): number {
  // JS orders a bigint against a number by their exact values
  return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
}

/** Python's floor division and modulo of ints (the quotient rounds down, the remainder takes the divisor's sign). */
function intDivMod(l: bigint, r: bigint): [bigint, bigint] {
  let q = l / r;
  let m = l % r;
  if (m !== 0n && m < 0n !== r < 0n) {
    q -= 1n;
    m += r;
  }
  return [q, m];
}

function intPower(base: bigint, exp: bigint): Value {
  // |base| >= 2 with an exponent over 63 cannot fit: refused before computing a huge number
  if ((base > 1n || base < -1n) && exp > 64n) return intValue(base ** 64n);
  return intValue(base ** exp);
}

function numberArith(op: string, l: Num, r: Num): Value {
  const zero = r.t === 'int' ? r.v === 0n : r.v === 0;
  if ((op === '/' || op === '//' || op === '%') && zero) throw new ExprError('division by zero');
  if (l.t === 'int' && r.t === 'int') {
    switch (op) {
      case '+':
        return intValue(l.v + r.v);
      case '-':
        return intValue(l.v - r.v);
      case '*':
        return intValue(l.v * r.v);
      case '/':
        return floatValue(Number(l.v) / Number(r.v));
      case '//':
        return intValue(intDivMod(l.v, r.v)[0]);
      case '%':
        return intValue(intDivMod(l.v, r.v)[1]);
      case '**':
        if (r.v >= 0n) return intPower(l.v, r.v);
        if (l.v === 0n) throw new ExprError('0 cannot be raised to a negative power');
        return floatValue(Number(l.v) ** Number(r.v));
    }
  }
  const x = toDouble(l);
  const y = toDouble(r);
  switch (op) {
    case '+':
      return floatValue(x + y);
    case '-':
      return floatValue(x - y);
    case '*':
      return floatValue(x * y);
    case '/':
      return floatValue(x / y);
    case '//': {
      const q = Math.floor(x / y);
      if (!Number.isFinite(q)) throw new ExprError('the result is not a finite number');
      return intValue(BigInt(q));
    }
    case '%': {
      const m = x % y;
      return floatValue(m !== 0 && m < 0 !== y < 0 ? m + y : m);
    }
    case '**':
      if (x === 0 && y < 0) throw new ExprError('0 cannot be raised to a negative power');
      return floatValue(x ** y);
  }
  throw new ExprError(`${op} is not an arithmetic operator`);
}

/** `s * n`: the text repeated, bounded as RFC 0005 asks (evaluation must not exhaust memory). */
function repeatText(s: string, n: bigint): Value {
  const times = n > 0n ? n : 0n;
  if (BigInt(s.length) * times > BigInt(MAX_STRING))
    throw new ExprError(`the result would be longer than ${MAX_STRING} characters`);
  return { t: 'string', v: s.repeat(Number(times)) };
}

export function describe(v: Value): string {
  return v.t === 'list'
    ? 'a list'
    : v.t === 'range_expr'
      ? 'a range_expr'
      : v.t === 'null'
        ? 'null'
        : `${v.t === 'int' ? 'an' : 'a'} ${v.t}`;
}

function concat(a: Value[], b: Value[]): Value {
  if (a.length + b.length > MAX_LIST)
    throw new ExprError(`the result would hold more than ${MAX_LIST} items`);
  const kind = (xs: Value[]) => xs.find((x) => x.t !== 'null')?.t;
  const [x, y] = [kind(a), kind(b)];
  const mixable = (p?: string, q?: string) =>
    p === q || !p || !q || (num0(p) && num0(q)) || (text0(p) && text0(q));
  // RFC 0006: list[string] + list[int] is an error; ints among floats become floats
  if (!mixable(x, y)) throw new ExprError(`a list of ${x}s + a list of ${y}s is not defined`);
  return makeList([...a, ...b]);
}
const num0 = (t: string) => t === 'int' || t === 'float';
const text0 = (t: string) => t === 'string' || t === 'path';

function repeatList(items: Value[], n: bigint): Value {
  const times = n > 0n ? Number(n > BigInt(MAX_LIST) ? MAX_LIST + 1 : n) : 0;
  if (items.length * times > MAX_LIST)
    throw new ExprError(`the result would hold more than ${MAX_LIST} items`);
  return { t: 'list', v: Array.from({ length: times }, () => items).flat() };
}

export function arith(op: string, l: Value, r: Value): Value {
  if (num(l) && num(r)) return numberArith(op, l, r);
  if (op === '+' && l.t === 'string' && r.t === 'string') return { t: 'string', v: l.v + r.v };
  const onPath = pathOperator(op, l, r);
  if (onPath) return onPath;
  const [ls, rs] = [itemsOf(l), itemsOf(r)];
  // RFC 0006: a range_expr + a list or range_expr is a list; + a string, its text
  if (op === '+' && ls && rs) return concat(ls, rs);
  if (op === '+' && l.t === 'range_expr' && r.t === 'string')
    return { t: 'string', v: toText(l) + r.v };
  if (op === '+' && l.t === 'string' && r.t === 'range_expr')
    return { t: 'string', v: l.v + toText(r) };
  if (op === '*' && l.t === 'string' && r.t === 'int') return repeatText(l.v, r.v);
  if (op === '*' && l.t === 'int' && r.t === 'string') return repeatText(r.v, l.v);
  if (op === '*' && l.t === 'list' && r.t === 'int') return repeatList(l.v, r.v);
  if (op === '*' && l.t === 'int' && r.t === 'list') return repeatList(r.v, l.v);
  // RFC 0005: elsewhere a range_expr converts to its text, as a string (`r * 2`)
  if (l.t === 'range_expr') return arith(op, { t: 'string', v: toText(l) }, r);
  if (r.t === 'range_expr') return arith(op, l, { t: 'string', v: toText(r) });
  throw new ExprError(`${describe(l)} ${op} ${describe(r)} is not defined`);
}
