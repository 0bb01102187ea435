import { arity, nonEmpty, small, str, text, type Fn } from './expr-fn-args.js';
import type { Value } from './expr-value.js';

/**
 * The regular expression functions of RFC 0006 (`re_match re_search re_findall re_sub re_escape
 * re_split`). A pattern is the common part of Python's `re` and Rust's `regex`: what only one of
 * them has (backreferences, lookaround, `\Z`, `\z`, `\x{…}`) is refused, saying so; `\d \w \s`
 * are Unicode classes, as both read them.
 */

/** The longest text a pattern is run over (JavaScript's engine backtracks). */
const MAX_SUBJECT = 100_000;

const REFUSED: [RegExp, string][] = [
  [/\\[1-9]/, 'backreferences (\\1)'],
  [/\(\?<?[=!]/, 'lookahead and lookbehind'],
  [/\(\?\(/, 'conditional patterns'],
  [/\(\?P=/, 'named backreferences'],
  [/\\[Zz]/, '\\Z and \\z (use $)'],
  [/\\[xuU]\{/, 'the \\x{…} form (use \\xHH or \\uHHHH)'],
];

/** The pattern as a JavaScript RegExp source (Unicode classes for \d and \w, Python names). */
function translate(pattern: string): string {
  for (const [re, what] of REFUSED)
    if (re.test(pattern.replace(/\\\\/g, '')))
      throw new Error(`the pattern uses ${what}, which regular expressions here do not support`);
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      i++;
      if (n === 'd') out += '\\p{Nd}';
      else if (n === 'D') out += '\\P{Nd}';
      else if (n === 'w') out += inClass ? '\\p{L}\\p{N}_' : '[\\p{L}\\p{N}_]';
      else if (n === 'W') out += inClass ? '\\W' : '[^\\p{L}\\p{N}_]';
      else if (n === 'U' && /^[0-9a-fA-F]{8}$/.test(pattern.slice(i + 1, i + 9))) {
        out += `\\u{${pattern.slice(i + 1, i + 9).replace(/^0+(?=.)/, '')}}`;
        i += 8;
      } else if (/[A-Za-z0-9^$\\.*+?()[\]{}|/]/.test(n)) out += `\\${n}`;
      // Python escapes any punctuation; JavaScript's Unicode mode only its own syntax characters
      else out += `\\u{${(n.codePointAt(0) ?? 0).toString(16)}}`;
    } else if (c === '[' && !inClass) {
      inClass = true;
      out += c;
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += `\\${pattern[++i]}`; // a leading ] is literal in Python
    } else if (c === ']' && inClass) {
      inClass = false;
      out += c;
    } else if (c === '(' && pattern.startsWith('?P<', i + 1)) {
      out += '(?<';
      i += 3;
    } else out += c;
  }
  return out;
}

function regex(pattern: Value | undefined, flags: string): RegExp {
  const source = translate(nonEmpty(pattern, 'the pattern'));
  try {
    return new RegExp(source, `u${flags}`);
  } catch (e) {
    throw new Error(`the pattern cannot be read: ${(e as Error).message}`, { cause: e });
  }
}

function subject(v: Value | undefined): string {
  const s = text(v);
  if (s.length > MAX_SUBJECT)
    throw new Error(`the text is longer than ${MAX_SUBJECT} characters, too long to search`);
  return s;
}

const group = (g: string | undefined): Value => str(g ?? '');
const groups = (m: RegExpExecArray): Value => ({ t: 'list', v: [...m].map(group) });

/** Each match of `re` (global) in `s`, stepping past empty matches as Python does. */
function* matches(re: RegExp, s: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    yield m;
    if (m[0] === '') re.lastIndex += (s.codePointAt(re.lastIndex) ?? 0) > 0xffff ? 2 : 1;
    if (re.lastIndex > s.length) break;
  }
}

function findall(s: string, re: RegExp): Value {
  const out: Value[] = [];
  for (const m of matches(re, s)) {
    if (m.length === 1) out.push(str(m[0]));
    else if (m.length === 2) out.push(group(m[1]));
    else out.push({ t: 'list', v: m.slice(1).map(group) });
  }
  return { t: 'list', v: out };
}

function splitBy(s: string, re: RegExp, max: number): Value {
  const out: Value[] = [];
  let from = 0;
  let splits = 0;
  for (const m of matches(re, s)) {
    if (max >= 0 && splits++ >= max) break;
    out.push(str(s.slice(from, m.index)), ...m.slice(1).map(group));
    from = m.index + m[0].length;
  }
  out.push(str(s.slice(from)));
  return { t: 'list', v: out };
}

export const REGEX_FUNCTIONS: Readonly<Record<string, Fn>> = {
  re_match: (a) => {
    arity(a, 2);
    const m = regex(a[1], 'y').exec(subject(a[0]));
    return m ? groups(m) : { t: 'null' };
  },
  re_search: (a) => {
    arity(a, 2);
    const m = regex(a[1], '').exec(subject(a[0]));
    return m ? groups(m) : { t: 'null' };
  },
  re_findall: (a) => (arity(a, 2), findall(subject(a[0]), regex(a[1], 'g'))),
  re_sub: (a) => {
    arity(a, 3);
    const repl = text(a[2]);
    if (/\\\d|\\g<|\$\d|\$\{/.test(repl))
      throw new Error(
        'the replacement is literal text: group references (\\1, $1) are not supported',
      );
    return str(subject(a[0]).replace(regex(a[1], 'g'), () => repl));
  },
  re_escape: (a) => (arity(a, 1), str(text(a[0]).replace(/[.^$*+?()[\]{}|\\\-#&~\s]/g, '\\$&'))),
  re_split: (a) => {
    arity(a, 2, 3);
    return splitBy(subject(a[0]), regex(a[1], 'g'), a.length === 3 ? small(a[2]) : -1);
  },
};
