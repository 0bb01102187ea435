import { UsageError } from '../../errors.js';
import { jsonErrorReason } from '../../util/json-error.js';

/**
 * A Python `float`. JSON numbers written with a dot or an exponent are floats in Python and
 * print as `1.0` or `1e-05`; JavaScript numbers would print `1` and `0.00001`, and the names
 * autotune.py gives its train dirs would no longer match.
 */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A value of a task file as Python's `json.load` sees it. Integers are plain numbers. */
export type PyValue =
  string | number | bigint | boolean | null | PyFloat | PyValue[] | { [key: string]: PyValue };

const FLOAT_KEY = '\u0000pyfloat';
const INT_KEY = '\u0000pyint';
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Parses JSON text keeping Python's int/float distinction; throws `UsageError` naming `source`. */
export function parsePythonJson(text: string, source: string): PyValue {
  try {
    JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${source} is not JSON (${jsonErrorReason(err)})`);
  }
  let out = '';
  for (let i = 0; i < text.length;) {
    const ch = text[i] ?? '';
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    NUMBER.lastIndex = i;
    const m = /[-0-9]/.test(ch) ? NUMBER.exec(text) : null;
    if (m) {
      const lit = m[0];
      if (/[.eE]/.test(lit)) out += JSON.stringify({ [FLOAT_KEY]: lit });
      else if (!Number.isSafeInteger(Number(lit))) out += JSON.stringify({ [INT_KEY]: lit });
      else out += lit;
      i += lit.length;
      continue;
    }
    out += ch;
    i += 1;
  }
  return JSON.parse(out, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const rec = value as Record<string, unknown>;
      if (typeof rec[FLOAT_KEY] === 'string') return new PyFloat(Number(rec[FLOAT_KEY]));
      if (typeof rec[INT_KEY] === 'string') return BigInt(rec[INT_KEY]);
    }
    return value;
  }) as PyValue;
}

/** Python's `repr(float)`: shortest round-trip digits, exponent below 1e-4 or from 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant = '', expText = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${whole}.${frac || '0'}`;
}

function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let body = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') body += '\\\\';
    else if (ch === quote) body += `\\${ch}`;
    else if (ch === '\n') body += '\\n';
    else if (ch === '\r') body += '\\r';
    else if (ch === '\t') body += '\\t';
    else if (code < 0x20 || code === 0x7f) body += `\\x${code.toString(16).padStart(2, '0')}`;
    else body += ch;
  }
  return quote + body + quote;
}

/** Python's `repr()` of a task-file value. */
export function pyRepr(v: PyValue): string {
  if (typeof v === 'string') return strRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v !== null && typeof v === 'object' && !(v instanceof PyFloat)) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${strRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  }
  return pyStr(v);
}

/** Python's `str()` of a task-file value: what `'{x}'.format(x=v)` puts in a string. */
export function pyStr(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return 'None';
  if (v instanceof PyFloat) return floatRepr(v.value);
  return pyRepr(v);
}

/** Python's name for the type of a value, for error messages. */
export function pyTypeName(v: PyValue): string {
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'None';
  if (v instanceof PyFloat) return 'float';
  return Array.isArray(v) ? 'list' : 'dict';
}

/** True for plain objects (JSON objects), false for lists, floats and scalars. */
export function isPyDict(v: PyValue | undefined): v is { [key: string]: PyValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyFloat);
}
