import path from 'node:path';
import { arity, str, text, type Fn } from './expr-fn-args.js';
import { CONVERT_FUNCTIONS } from './expr-fn-convert.js';
import { LIST_FUNCTIONS } from './expr-fn-list.js';
import { MATH_FUNCTIONS } from './expr-fn-math.js';
import { REGEX_FUNCTIONS } from './expr-fn-regex.js';
import { STRING_FUNCTIONS } from './expr-fn-string.js';
import { REPR_FUNCTIONS } from './expr-repr.js';
import type { Value } from './expr-value.js';

/**
 * The functions EXPR expressions may call here (RFC 0006's library, by area: expr-fn-convert.ts,
 * expr-fn-math.ts, expr-fn-list.ts, expr-fn-string.ts, expr-fn-regex.ts, expr-repr.ts; the path
 * functions below). `x.f(a)` calls `f(x, a)`; a property `x.name` is one of PROPERTIES. A name
 * not listed is refused by `openjd check` before a job is submitted.
 */

export type { Value };

export const FUNCTIONS: Readonly<Record<string, Fn>> = {
  ...CONVERT_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...LIST_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...REGEX_FUNCTIONS,
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
