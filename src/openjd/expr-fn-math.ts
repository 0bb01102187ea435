import { arity, integer, list, numeric, type Fn, type Num } from './expr-fn-args.js';
import { compareNumbers } from './expr-operators.js';
import { floatValue, intValue, type Value } from './expr-value.js';

/**
 * The math functions of RFC 0006: `abs min max sum floor ceil round`. Ints stay exact; a float
 * among the values makes the result a float, as in arithmetic; `round` rounds half to even on the
 * double's exact decimal value, as Python's does.
 */

function extremum(args: Value[], sign: 1 | -1): Value {
  const items = (args.length === 1 ? list(args[0]) : args).map(numeric);
  if (items.length === 0) throw new Error('needs a non-empty list');
  const best = items.reduce((x, y) => (compareNumbers(y, x) * sign > 0 ? y : x));
  return best.t === 'int' && items.some((x) => x.t === 'float') ? floatValue(Number(best.v)) : best;
}

const wholeFloat = (n: number): Value => {
  if (!Number.isFinite(n)) throw new Error('the result is not a finite number');
  return intValue(BigInt(n));
};

/** Rounds the digit string `digits` to its first `keep` digits, half to even. */
function roundDigits(digits: string, keep: number): bigint {
  if (keep < 0) return 0n;
  const kept = BigInt(digits.slice(0, keep) || '0');
  const rest = digits.slice(keep);
  const first = rest[0] ?? '0';
  const beyond = /[1-9]/.test(rest.slice(1));
  const up = first > '5' || (first === '5' && (beyond || kept % 2n === 1n));
  return up ? kept + 1n : kept;
}

/** `round(x, n)` of a float: an int when n <= 0, else a float written with n decimals. */
function roundFloat(x: number, n: number): Value {
  if (Math.abs(x) >= 1e21) return n > 0 ? floatValue(x) : wholeFloat(x); // already whole
  // toFixed(100) writes the double's exact decimal value (to 100 places, enough for a tie)
  const [whole = '0', frac = ''] = Math.abs(x).toFixed(100).split('.');
  const sign = x < 0 ? -1n : 1n;
  const kept = roundDigits(whole + frac, whole.length + n);
  if (n <= 0) return intValue(sign * kept * 10n ** BigInt(-n));
  const digits = kept.toString().padStart(n + 1, '0');
  const written = `${x < 0 && kept !== 0n ? '-' : ''}${digits.slice(0, -n)}.${digits.slice(-n)}`;
  return floatValue(Number(written), written);
}

/** `round(i, n)` of an int: itself when n >= 0, else to a multiple of 10^-n, half to even. */
function roundInt(i: bigint, n: number): Value {
  if (n >= 0) return intValue(i);
  const unit = 10n ** BigInt(-n);
  const neg = i < 0n;
  const abs = neg ? -i : i;
  let q = abs / unit;
  const r = abs % unit;
  if (r * 2n > unit || (r * 2n === unit && q % 2n === 1n)) q += 1n;
  return intValue((neg ? -q : q) * unit);
}

const sumOf = (items: Num[]): Value =>
  items.some((x) => x.t === 'float')
    ? floatValue(items.reduce((x, y) => x + Number(y.v), 0))
    : intValue(items.reduce((x, y) => x + (y.v as bigint), 0n));

export const MATH_FUNCTIONS: Readonly<Record<string, Fn>> = {
  abs: (a) => {
    arity(a, 1);
    const x = numeric(a[0]);
    return x.t === 'int' ? intValue(x.v < 0n ? -x.v : x.v) : floatValue(Math.abs(x.v));
  },
  min: (a) => extremum(a, -1),
  max: (a) => extremum(a, 1),
  sum: (a) => (arity(a, 1), sumOf(list(a[0]).map(numeric))),
  floor: (a) => {
    arity(a, 1);
    const x = numeric(a[0]);
    return x.t === 'int' ? x : wholeFloat(Math.floor(x.v));
  },
  ceil: (a) => {
    arity(a, 1);
    const x = numeric(a[0]);
    return x.t === 'int' ? x : wholeFloat(Math.ceil(x.v));
  },
  round: (a) => {
    arity(a, 1, 2);
    const x = numeric(a[0]);
    const n = a.length === 2 ? integer(a[1]) : 0n;
    const places = n > 400n ? 400 : n < -400n ? -400 : Number(n);
    if (x.t === 'int') return roundInt(x.v, places);
    if (a.length === 1 || places <= 0) return roundFloat(x.v, Math.min(0, places));
    return places > 90 ? floatValue(x.v) : roundFloat(x.v, places);
  },
};
