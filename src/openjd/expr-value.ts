/**
 * A value of an EXPR expression, as the evaluator and its functions hold it. An int is a 64-bit
 * signed integer (RFC 0005), held as a bigint so that every value in range is exact; a float is
 * a finite IEEE double, never -0.0.
 */
export type Value =
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'string'; v: string }
  | { t: 'path'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'list'; v: Value[] };

/** Why an expression could not be evaluated (a wrong type, a missing value, division by zero). */
export class ExprError extends Error {}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** An int value; one outside the 64-bit range is an error, never wrapped or rounded. */
export function intValue(n: bigint): Value {
  if (n < INT64_MIN || n > INT64_MAX)
    throw new ExprError(`the result ${n} is outside the 64-bit integer range`);
  return { t: 'int', v: n };
}

/** A float value; an infinite or undefined result is an error, and -0.0 is 0.0. */
export function floatValue(n: number): Value {
  if (!Number.isFinite(n)) throw new ExprError('the result is not a finite number');
  return { t: 'float', v: n === 0 ? 0 : n };
}

/** A number's value as a double (an int above 2^53 rounds to the nearest one). */
export const toDouble = (v: { t: 'int' | 'float'; v: bigint | number }): number => Number(v.v);
