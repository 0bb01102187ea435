/**
 * Typed values as the spec carries them: integers and floats may be given as numbers or as
 * base-10 strings (`<intstring>`, `<floatstring>`); every value becomes a string in format strings.
 */

const INT_STRING = /^\s*[+-]?\d+\s*$/;
const FLOAT_STRING = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** The integer a number or integer string holds, or undefined when it holds none. */
export function toInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === 'string' && INT_STRING.test(v)) {
    const n = Number(v.trim());
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** The finite number a number or float string holds, or undefined when it holds none. */
export function toFloat(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && FLOAT_STRING.test(v)) {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** How a float is written into format strings: as given when given as text, else JavaScript's shortest form. */
export function floatText(v: number | string): string {
  return typeof v === 'string' ? v.trim() : String(v);
}
