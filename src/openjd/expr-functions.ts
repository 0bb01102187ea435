import type { Fn } from './expr-fn-args.js';
import { CONVERT_FUNCTIONS } from './expr-fn-convert.js';
import { LIST_FUNCTIONS } from './expr-fn-list.js';
import { MATH_FUNCTIONS } from './expr-fn-math.js';
import { HOST_PATH_FUNCTIONS, PATH_FUNCTIONS, PATH_PROPERTIES } from './expr-fn-path.js';
import { RANGE_FUNCTIONS } from './expr-fn-range.js';
import { REGEX_FUNCTIONS } from './expr-fn-regex.js';
import { STRING_FUNCTIONS } from './expr-fn-string.js';
import { REPR_FUNCTIONS } from './expr-repr.js';
import type { Value } from './expr-value.js';

/**
 * The functions EXPR expressions may call here (RFC 0006's library, by area: expr-fn-convert.ts,
 * expr-fn-math.ts, expr-fn-list.ts, expr-fn-range.ts, expr-fn-string.ts, expr-fn-regex.ts, expr-fn-path.ts,
 * expr-repr.ts). `x.f(a)` calls `f(x, a)`; a property `x.name` is one of PROPERTIES. A name
 * not listed is refused by `openjd check` before a job is submitted.
 */

export type { Value };

export const FUNCTIONS: Readonly<Record<string, Fn>> = {
  ...CONVERT_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...LIST_FUNCTIONS,
  ...RANGE_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...REGEX_FUNCTIONS,
  ...PATH_FUNCTIONS,
  ...HOST_PATH_FUNCTIONS,
  ...REPR_FUNCTIONS,
};

/** Properties of values (`Param.Scene.stem`): those of paths. */
export const PROPERTIES = PATH_PROPERTIES;
