import path from 'node:path';
import { REPR_FUNCTIONS } from './expr-repr.js';
import type { Value } from './expr-value.js';

/**
 * The functions EXPR expressions may call here (a subset of RFC 0005's library: conversions,
 * numbers, strings, paths, lists; `repr_*` in expr-repr.ts). `x.f(a)` calls `f(x, a)`; a
 * property `x.name` is one of PROPERTIES. A name not listed is refused by `openjd check` before
 * a job is submitted.
 */

export type { Value };

type Fn = (args: Value[]) => Value;

const str = (v: string): Value => ({ t: 'string', v });
const int = (v: number): Value => {
  if (!Number.isSafeInteger(v)) throw new Error('the result is not a whole number in range');
  return { t: 'int', v };
};

function text(v: Value | undefined, what = 'a string'): string {
  if (v && (v.t === 'string' || v.t === 'path')) return v.v;
  throw new Error(`needs ${what}`);
}
function number(v: Value | undefined): number {
  if (v && (v.t === 'int' || v.t === 'float')) return v.v;
  throw new Error('needs a number');
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
      return Number.isInteger(v.v) ? `${v.v}.0` : String(v.v);
    case 'int':
      return String(v.v);
    case 'list':
      return `[${v.v.map((x) => (x.t === 'string' || x.t === 'path' ? JSON.stringify(x.v) : toText(x))).join(', ')}]`;
    default:
      return v.v;
  }
}

function extremum(args: Value[], pick: (a: number, b: number) => number): Value {
  const items = args.length === 1 ? list(args[0]) : args;
  if (items.length === 0) throw new Error('needs at least one value');
  const best = items.map(number).reduce((x, y) => pick(x, y));
  return items.some((x) => x.t === 'float') ? { t: 'float', v: best } : int(best);
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
    if (v.t === 'string' && /^\s*[-+]?\d+\s*$/.test(v.v)) return int(Number(v.v));
    if (v.t === 'int' || v.t === 'float') return int(Math.trunc(v.v));
    if (v.t === 'bool') return int(v.v ? 1 : 0);
    throw new Error('needs a number or a string of digits');
  },
  float: (a) => {
    arity(a, 1);
    const v = a[0] as Value;
    const n = v.t === 'string' && v.v.trim() !== '' ? Number(v.v) : number(v);
    if (!Number.isFinite(n)) throw new Error('needs a number or a numeric string');
    return { t: 'float', v: n };
  },
  len: (a) => {
    arity(a, 1);
    const v = a[0] as Value;
    if (v.t === 'list') return int(v.v.length);
    const s = text(v, 'a string or a list');
    // characters, not UTF-16 units; counted without copying the string (it may be long)
    return int(s.length - (s.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0));
  },
  abs: (a) => (
    arity(a, 1),
    a[0]?.t === 'int' ? int(Math.abs(a[0].v)) : { t: 'float', v: Math.abs(number(a[0])) }
  ),
  min: (a) => extremum(a, Math.min),
  max: (a) => extremum(a, Math.max),
  floor: (a) => (arity(a, 1), int(Math.floor(number(a[0])))),
  ceil: (a) => (arity(a, 1), int(Math.ceil(number(a[0])))),
  round: (a) => {
    arity(a, 1, 2);
    const x = number(a[0]);
    if (a.length === 1) return int(Math.round(x));
    const d = number(a[1]);
    return { t: 'float', v: Number(x.toFixed(Math.max(0, d))) };
  },
  sum: (a) => {
    arity(a, 1);
    const items = list(a[0]);
    const total = items.map(number).reduce((x, y) => x + y, 0);
    return items.some((x) => x.t === 'float') ? { t: 'float', v: total } : int(total);
  },
  range: (a) => {
    arity(a, 1, 3);
    const n = a.map(number);
    const [start, stop, step] =
      n.length === 1 ? [0, n[0] ?? 0, 1] : [n[0] ?? 0, n[1] ?? 0, n[2] ?? 1];
    if (step === 0) throw new Error('the step must not be 0');
    const out: Value[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
      out.push(int(i));
      // made before the operation count sees it (expr-limits.ts): bounded here for memory
      if (out.length > 1_000_000) throw new Error('makes more than 1000000 values');
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
  join: strMethod(
    (sep, [items]) =>
      str(
        list(items)
          .map((x) => text(x))
          .join(sep),
      ),
    1,
  ),
  zfill: (a) => {
    arity(a, 2);
    const v = a[0] as Value;
    const s = v.t === 'int' || v.t === 'float' ? toText(v) : text(v);
    const width = number(a[1]);
    const sign = /^[-+]/.test(s) ? (s[0] as string) : '';
    return str(sign + s.slice(sign.length).padStart(Math.max(0, width - sign.length), '0'));
  },
  with_suffix: (a) => {
    arity(a, 2);
    const p = text(a[0], 'a path');
    const ext = path.posix.extname(p);
    return { t: 'path', v: (ext ? p.slice(0, -ext.length) : p) + text(a[1]) };
  },
  as_posix: (a) => (arity(a, 1), str(text(a[0], 'a path'))),
  ...REPR_FUNCTIONS,
};

/** Properties of paths (`Param.Scene.stem`), as pathlib names them. */
export const PROPERTIES: Readonly<Record<string, (v: Value) => Value>> = {
  name: (v) => str(path.posix.basename(text(v, 'a path'))),
  stem: (v) => {
    const base = path.posix.basename(text(v, 'a path'));
    return str(base.slice(0, base.length - path.posix.extname(base).length));
  },
  suffix: (v) => str(path.posix.extname(text(v, 'a path'))),
  parent: (v) => ({ t: 'path', v: path.posix.dirname(text(v, 'a path')) }),
};
