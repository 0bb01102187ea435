import { ExprSyntaxError } from './expr-syntax-error.js';

/**
 * The backslash escapes of a non-raw EXPR string literal, as Python reads them (RFC 0005 "String
 * Literal Formats"): `\\ \' \" \n \r \t \a \b \f \v`, octal `\ooo`, `\xhh`, `\uhhhh`,
 * `\Uhhhhhhhh`, `\N{name}`, and a backslash before a newline joins the lines. Any other escape
 * keeps its backslash (`"\d"` is two characters), as Python does. For `\N{...}` this tool knows
 * the names of ASCII letters, digits and a few common characters (no Unicode name table ships
 * with Node); any other name is refused with that said.
 */

const SIMPLE: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
};

const DIGIT_NAMES = [
  'ZERO',
  'ONE',
  'TWO',
  'THREE',
  'FOUR',
  'FIVE',
  'SIX',
  'SEVEN',
  'EIGHT',
  'NINE',
];
const NAMED: Record<string, string> = {
  SPACE: ' ',
  'NO-BREAK SPACE': '\u00a0',
  'CHARACTER TABULATION': '\t',
  'LINE FEED': '\n',
  'CARRIAGE RETURN': '\r',
  'REVERSE SOLIDUS': '\\',
  SOLIDUS: '/',
  'FULL STOP': '.',
  COMMA: ',',
  COLON: ':',
  'HYPHEN-MINUS': '-',
  'LOW LINE': '_',
  APOSTROPHE: "'",
  'QUOTATION MARK': '"',
  'NUMBER SIGN': '#',
  'DOLLAR SIGN': '$',
  'PERCENT SIGN': '%',
  AMPERSAND: '&',
  ASTERISK: '*',
  'PLUS SIGN': '+',
  'EQUALS SIGN': '=',
  'COMMERCIAL AT': '@',
  'DEGREE SIGN': '\u00b0',
  'EM DASH': '\u2014',
  'EN DASH': '\u2013',
  BULLET: '\u2022',
};

function named(name: string): string {
  const n = name.toUpperCase();
  const letter = /^LATIN (SMALL|CAPITAL) LETTER ([A-Z])$/.exec(n);
  if (letter)
    return letter[1] === 'SMALL' ? (letter[2] as string).toLowerCase() : (letter[2] as string);
  const digit = /^DIGIT ([A-Z]+)$/.exec(n);
  if (digit && DIGIT_NAMES.includes(digit[1] as string))
    return String(DIGIT_NAMES.indexOf(digit[1] as string));
  const c = NAMED[n];
  if (c !== undefined) return c;
  throw new ExprSyntaxError(
    `\\N{${name}}: this tool knows the names of ASCII letters, digits and a few punctuation characters only; write the character itself or \\u followed by its code`,
  );
}

function codePoint(hex: string, escape: string): string {
  const n = /^[0-9a-fA-F]+$/.test(hex) ? parseInt(hex, 16) : NaN;
  if (!(n <= 0x10ffff)) throw new ExprSyntaxError(`"${escape}" is not a valid escape`);
  return String.fromCodePoint(n);
}

/** The text a string literal's body (between its quotes) stands for. */
export function unescapeString(body: string): string {
  return body.replace(
    /\\(N\{[^}]*\}?|x.{0,2}|u.{0,4}|U.{0,8}|[0-7]{1,3}|[\s\S])/g,
    (escape: string, e: string) => {
      const kind = e[0] as string;
      if (kind in SIMPLE && e.length === 1) return SIMPLE[kind] as string;
      if (/^[0-7]/.test(e)) return String.fromCodePoint(parseInt(e, 8));
      if (kind === 'x' || kind === 'u' || kind === 'U') {
        const want = kind === 'x' ? 2 : kind === 'u' ? 4 : 8;
        if (e.length !== want + 1) throw new ExprSyntaxError(`"${escape}" is not a valid escape`);
        return codePoint(e.slice(1), escape);
      }
      if (kind === 'N' && e.length > 1) {
        if (!e.endsWith('}')) throw new ExprSyntaxError(`"${escape}" is not a valid escape`);
        return named(e.slice(2, -1));
      }
      return escape; // Python keeps an unknown escape as written
    },
  );
}
