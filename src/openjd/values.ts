/**
 * Typed values as the spec carries them: integers and floats may be given as numbers or as
 * base-10 strings (`<intstring>`, `<floatstring>`); every value becomes a string in format strings.
 * OpenJD's INT is a signed 64-bit integer, beyond what a JavaScript number holds exactly, so INT
 * values are compared as BigInt; a document read from disk carries the larger ones as BigInt.
 */

export const INT_STRING = /^\s*[+-]?\d+\s*$/;
export const FLOAT_STRING = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** The smallest and largest INT (int64). */
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const INT64_RANGE = `from ${INT64_MIN} to ${INT64_MAX}, a 64-bit integer`;

/** The int64 a number, BigInt or integer string holds, or undefined when it holds none. */
export function toInt(v: unknown): bigint | undefined {
  let n: bigint | undefined;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number') n = Number.isSafeInteger(v) ? BigInt(v) : undefined;
  else if (typeof v === 'string' && INT_STRING.test(v)) n = BigInt(v.trim());
  return n !== undefined && n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}

/** The finite number a number or float string holds, or undefined when it holds none. */
export function toFloat(v: unknown): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && FLOAT_STRING.test(v)) {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The spellings a BOOL value may take as text (EXPR), compared case-insensitively. */
const BOOL_TEXT: Readonly<Record<string, boolean>> = {
  true: true,
  yes: true,
  on: true,
  '1': true,
  false: false,
  no: false,
  off: false,
  '0': false,
};

/**
 * The boolean a BOOL value holds (EXPR, Template Schemas §2 as the extension amends it): true or
 * false, the numbers 1 and 0, or one of the words of BOOL_TEXT; undefined when it holds none.
 */
export function toBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v === 'string' && Object.hasOwn(BOOL_TEXT, v.toLowerCase()))
    return BOOL_TEXT[v.toLowerCase()];
  return undefined;
}

/** The words a BOOL value may be written as, for messages. */
export const BOOL_SPELLINGS = 'true or false (or yes/no, on/off, 1/0, in any case)';

/** How a float is written into format strings: as given when given as text, else JavaScript's shortest form. */
export function floatText(v: number | bigint | string): string {
  return typeof v === 'string' ? v.trim() : String(v);
}

/**
 * A numeric field's value (timeout, notify period, amount) in a template whose FEATURE_BUNDLE_1
 * format strings were resolved at submission (numeric-fields.ts); one still a string is a caller
 * that skipped that step.
 */
export function numberOf(v: number | string | undefined): number | undefined {
  if (typeof v === 'string')
    throw new Error(
      `${JSON.stringify(v)} is not resolved: resolveNumericFields runs at submission`,
    );
  return v;
}
