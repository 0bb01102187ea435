import { HOST_PATH_FUNCTIONS, PATH_FUNCTIONS, PATH_PROPERTIES } from './expr-fn-path.js';
import { REPR_FUNCTIONS } from './expr-repr.js';
import { compareNumbers } from './expr-operators.js';
import { floatText, floatValue, intValue, type Value } from './expr-value.js';

/**
 * The functions EXPR expressions may call here (a subset of RFC 0005's library: conversions,
 * numbers, strings, paths, lists; paths in expr-fn-path.ts, `repr_*` in expr-repr.ts). `x.f(a)` calls `f(x, a)`; a
 * property `x.name` is one of PROPERTIES. A name not listed is refused by `openjd check` before
 * a job is submitted.
 */

export type { Value };

type Fn = (args: Value[]) => Value;

const str = (v: string): Value => ({ t: 'string', v });
/** A whole double as an int (range-checked). */
const wholeInt = (v: number): Value => {
  if (!Number.isFinite(v)) throw new Error('the result is not a finite number');
  return intValue(BigInt(v));
};
const count = (n: number): Value => intValue(BigInt(n));

function text(v: Value | undefined, what = 'a string'): string {
  if (v && (v.t === 'string' || v.t === 'path')) return v.v;
  throw new Error(`needs ${what}`);
}
type Num = { t: 'int'; v: bigint } | { t: 'float'; v: number };
function numeric(v: Value | undefined): Num {
  if (v && (v.t === 'int' || v.t === 'float')) return v;
  throw new Error('needs a number');
}
/** A number argument as a double. */
const number = (v: Value | undefined): number => Number(numeric(v).v);
/** An int argument. */
function integer(v: Value | undefined): bigint {
  if (v?.t === 'int') return v.v;
  throw new Error('needs an int');
}
function list(v: Value | undefined): Value[] {
  if (v?.t === 'list') return v.v;
  throw new Error('needs a list');
}
function arity(args: Value[], min: number, max = min): void {
  if (args.length < min || args.length > max)
    throw new Error(
      `takes ${min === max ? min : `${min} to ${max}`} argument(s), not ${args.length}`,
    );
}

/** A value as `string()` writes it (floats with a decimal point, true/false, lists as JSON-like). */
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
    case 'list':
      return `[${v.v.map((x) => (x.t === 'string' || x.t === 'path' ? JSON.stringify(x.v) : toText(x))).join(', ')}]`;
    default:
      return v.v;
  }
}

function extremum(args: Value[], sign: 1 | -1): Value {
  const items = (args.length === 1 ? list(args[0]) : args).map(numeric);
  if (items.length === 0) throw new Error('needs at least one value');
  const best = items.reduce((x, y) => (compareNumbers(y, x) * sign > 0 ? y : x));
  // a float among the values makes the result a float, as with arithmetic
  return best.t === 'int' && items.some((x) => x.t === 'float') ? floatValue(Number(best.v)) : best;
}

const strMethod =
  (f: (s: string, args: Value[]) => Value, min = 0, max = min): Fn =>
  (args) => {
    arity(args, min + 1, max + 1);
    return f(text(args[0]), args.slice(1));
  };

export const FUNCTIONS: Readonly<Record<string, Fn>> = {
  string: (a) => (arity(a, 1), str(toText(a[0] as Value))),
  int: (a) => {
    arity(a, 1);
    const v = a[0] as Value;
    if (v.t === 'string' && /^\s*[-+]?\d+\s*$/.test(v.v)) return intValue(BigInt(v.v.trim()));
    if (v.t === 'int') return v;
    if (v.t === 'float') return wholeInt(Math.trunc(v.v));
    if (v.t === 'bool') return intValue(v.v ? 1n : 0n);
    throw new Error('needs a number or a string of digits');
  },
  float: (a) => {
    arity(a, 1);
    const v = a[0] as Value;
    const n = v.t === 'string' && v.v.trim() !== '' ? Number(v.v) : number(v);
    if (!Number.isFinite(n)) throw new Error('needs a number or a numeric string');
    return floatValue(n);
  },
  len: (a) => {
    arity(a, 1);
    const v = a[0] as Value;
    return count(v.t === 'list' ? v.v.length : [...text(v, 'a string or a list')].length);
  },
  abs: (a) => (
    arity(a, 1),
    a[0]?.t === 'int'
      ? intValue(a[0].v < 0n ? -a[0].v : a[0].v)
      : floatValue(Math.abs(number(a[0])))
  ),
  min: (a) => extremum(a, -1),
  max: (a) => extremum(a, 1),
  floor: (a) => (arity(a, 1), a[0]?.t === 'int' ? a[0] : wholeInt(Math.floor(number(a[0])))),
  ceil: (a) => (arity(a, 1), a[0]?.t === 'int' ? a[0] : wholeInt(Math.ceil(number(a[0])))),
  round: (a) => {
    arity(a, 1, 2);
    if (a[0]?.t === 'int' && a.length === 1) return a[0];
    const x = number(a[0]);
    if (a.length === 1) return wholeInt(Math.round(x));
    const d = Number(integer(a[1]));
    return floatValue(Number(x.toFixed(Math.min(100, Math.max(0, d)))));
  },
  sum: (a) => {
    arity(a, 1);
    const items = list(a[0]).map(numeric);
    if (items.some((x) => x.t === 'float'))
      return floatValue(items.reduce((x, y) => x + Number(y.v), 0));
    return intValue(items.reduce((x, y) => x + (y.v as bigint), 0n));
  },
  range: (a) => {
    arity(a, 1, 3);
    const n = a.map(integer);
    const [start, stop, step] =
      n.length === 1 ? [0n, n[0] ?? 0n, 1n] : [n[0] ?? 0n, n[1] ?? 0n, n[2] ?? 1n];
    if (step === 0n) throw new Error('the step must not be 0');
    const out: Value[] = [];
    for (let i = start; step > 0n ? i < stop : i > stop; i += step) {
      out.push(intValue(i));
      if (out.length > 100_000) throw new Error('makes more than 100000 values');
    }
    return { t: 'list', v: out };
  },
  upper: strMethod((s) => str(s.toUpperCase())),
  lower: strMethod((s) => str(s.toLowerCase())),
  strip: strMethod((s) => str(s.trim())),
  lstrip: strMethod((s) => str(s.trimStart())),
  rstrip: strMethod((s) => str(s.trimEnd())),
  startswith: strMethod((s, [p]) => ({ t: 'bool', v: s.startsWith(text(p)) }), 1),
  endswith: strMethod((s, [p]) => ({ t: 'bool', v: s.endsWith(text(p)) }), 1),
  replace: strMethod((s, [a, b]) => str(s.split(text(a)).join(text(b))), 2),
  removeprefix: strMethod((s, [p]) => str(s.startsWith(text(p)) ? s.slice(text(p).length) : s), 1),
  removesuffix: strMethod(
    (s, [p]) => str(text(p) && s.endsWith(text(p)) ? s.slice(0, -text(p).length) : s),
    1,
  ),
  split: strMethod(
    (s, [sep]) => ({
      t: 'list',
      v: (sep ? s.split(text(sep)) : s.trim().split(/\s+/).filter(Boolean)).map(str),
    }),
    0,
    1,
  ),
  // `sep.join(items)` as Python writes it, or `items.join(sep)` as a method of the list
  join: (a) => {
    arity(a, 2);
    const [items, sep] = a[0]?.t === 'list' ? [a[0], a[1]] : [a[1], a[0]];
    return str(
      list(items)
        .map((x) => text(x))
        .join(text(sep)),
    );
  },
  zfill: (a) => {
    arity(a, 2);
    const v = a[0] as Value;
    const s = v.t === 'int' || v.t === 'float' ? toText(v) : text(v);
    const width = Number(integer(a[1]));
    const sign = /^[-+]/.test(s) ? (s[0] as string) : '';
    return str(sign + s.slice(sign.length).padStart(Math.max(0, width - sign.length), '0'));
  },
  ...PATH_FUNCTIONS,
  ...HOST_PATH_FUNCTIONS,
  ...REPR_FUNCTIONS,
};

/** Properties of values (`Param.Scene.stem`): those of paths. */
export const PROPERTIES = PATH_PROPERTIES;
