import { unescapeString } from './expr-string-escapes.js';
import { REFUSED_OPERATORS, REFUSED_PREFIXES } from './expr-refused.js';
import { ExprSyntaxError } from './expr-syntax-error.js';

/**
 * The tokens of an EXPR expression (RFC 0005 "Extended Format String Grammar"): Python's
 * numeric literals (`0x2A`, `0o52`, `0b101010`, `1_000`, `1.5e-3`), its string literals (quoted
 * with ' or ", tripled for several lines, `r`/`R` for raw), names, and operators. A newline is
 * whitespace anywhere (implicit line continuation). What Python has and EXPR does not (bitwise
 * operators, `:=`, bytes and f-strings, complex numbers, `...`, dicts and sets) is refused here
 * by name.
 */

export type Tok =
  | { t: 'int'; v: bigint; text: string }
  | { t: 'float'; v: number; text: string }
  | { t: 'str'; v: string; text: string }
  | { t: 'name'; v: string; text: string }
  | { t: 'op'; v: string; text: string };

const OPS = ['**', '//', '==', '!=', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%'];
const PUNCT = ['(', ')', '[', ']', ',', '.', ':'];

const DIGITS = (d: string) => `[${d}](?:_?[${d}])*`;
const DEC = DIGITS('0-9');
const EXP = `[eE][-+]?${DEC}`;
const NUMBER = new RegExp(
  `0[xX]_?${DIGITS('0-9a-fA-F')}|0[oO]_?${DIGITS('0-7')}|0[bB]_?${DIGITS('01')}` +
    `|(?:${DEC})?\\.${DEC}(?:${EXP})?|${DEC}\\.(?:${EXP})?|${DEC}${EXP}|${DEC}`,
  'y',
);
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
function number(text: string): Tok {
  const digits = text.replace(/_/g, '');
  if (/^0[xXoObB]/.test(digits)) return { t: 'int', v: BigInt(digits), text };
  if (/[.eE]/.test(digits)) return { t: 'float', v: Number(digits), text };
  if (/^0+[1-9]/.test(digits))
    throw new ExprSyntaxError(
      `"${text}": a decimal number cannot start with 0 (write 0o${digits.replace(/^0+/, '')} for octal)`,
    );
  return { t: 'int', v: BigInt(digits), text };
}

/** The string literal at `at` (its quote; `raw` for an r prefix), and where it ends. */
function string(src: string, at: number, raw: boolean): { v: string; end: number } {
  const q = src[at] as string;
  const triple = src.startsWith(q.repeat(3), at);
  const close = triple ? q.repeat(3) : q;
  let i = at + close.length;
  for (;;) {
    if (i >= src.length)
      throw new ExprSyntaxError(`a string starting ${src.slice(at, at + 12)} is not closed`);
    const c = src[i] as string;
    if (c === '\\') i += 2;
    else if (src.startsWith(close, i)) break;
    else if (c === '\n' && !triple)
      throw new ExprSyntaxError(`a string in ${q} quotes cannot span lines: use ${q.repeat(3)}`);
    else i++;
  }
  const body = src.slice(at + close.length, i);
  return { v: raw ? body : unescapeString(body), end: i + close.length };
}

/** The tokens of `src`. Throws ExprSyntaxError naming what is not part of EXPR. */
export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const at = (re: RegExp) => {
    re.lastIndex = i;
    return re.exec(src)?.[0];
  };
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c) || (c === '\\' && src[i + 1] === '\n')) {
      i += c === '\\' ? 2 : 1;
      continue;
    }
    if (c === '#') {
      // a comment runs to the end of its line, as in Python
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl;
      continue;
    }
    if (c === "'" || c === '"') {
      const s = string(src, i, false);
      out.push({ t: 'str', v: s.v, text: src.slice(i, s.end) });
      i = s.end;
      continue;
    }
    const num =
      /[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? '')) ? at(NUMBER) : undefined;
    if (num) {
      const next = src[i + num.length] ?? '';
      if (next === 'j' || next === 'J')
        throw new ExprSyntaxError(`complex numbers (${num}${next}) are not supported`);
      if (/[A-Za-z0-9_]/.test(next)) throw new ExprSyntaxError(`"${num}${next}" is not a number`);
      out.push(number(num));
      i += num.length;
      continue;
    }
    const name = at(NAME);
    if (name) {
      const quote = src[i + name.length];
      if ((quote === "'" || quote === '"') && name.length <= 2) {
        const why = [...name.toLowerCase()].map((p) => (p === 'r' ? '' : REFUSED_PREFIXES[p]));
        if (why.some((r) => r === undefined))
          throw new ExprSyntaxError(`"${name}" is not a string prefix: only r or R is`);
        if (why.some((r) => r) || name.length > 1)
          throw new ExprSyntaxError(why.find((r) => r) || 'only one r prefix is allowed');
        const s = string(src, i + 1, true);
        out.push({ t: 'str', v: s.v, text: src.slice(i, s.end) });
        i = s.end;
        continue;
      }
      out.push({ t: 'name', v: name, text: name });
      i += name.length;
      continue;
    }
    const refused = REFUSED_OPERATORS.find(([op]) => src.startsWith(op, i));
    if (refused) throw new ExprSyntaxError(refused[1]);
    const op = OPS.find((o) => src.startsWith(o, i)) ?? PUNCT.find((o) => o === c);
    if (!op) throw new ExprSyntaxError(`"${c}" is not part of an expression`);
    out.push({ t: 'op', v: op, text: op });
    i += op.length;
  }
  return out;
}
