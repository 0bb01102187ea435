import { RE2JS, type Matcher } from 're2js';
import { arity, nonEmpty, small, str, text, type Fn } from './expr-fn-args.js';
import { MAX_STRING, type Value } from './expr-value.js';

/**
 * The regular expression functions of RFC 0006 (`re_match re_search re_findall re_sub re_escape
 * re_split`). A pattern is the common part of Python's `re` and Rust's `regex`: what only one of
 * them has (backreferences, lookaround, `\Z`, `\z`, `\x{…}`) is refused, saying so; `\d \w \s`
 * are Unicode classes, as both read them. Patterns run on RE2 (`re2js`), in time linear in the
 * text as Rust's engine does: a pattern such as `(a+)+$` cannot stall the coordinator, which
 * evaluates expressions at check and submit.
 */

/** The longest text a pattern is run over. */
const MAX_SUBJECT = 100_000;

const REFUSED: [RegExp, string][] = [
  [/\\[1-9]/, 'backreferences (\\1)'],
  [/\(\?<?[=!]/, 'lookahead and lookbehind'],
  [/\(\?\(/, 'conditional patterns'],
  [/\(\?P=/, 'named backreferences'],
  [/\\[Zz]/, '\\Z and \\z (use $)'],
  [/\\[xuU]\{/, 'the \\x{…} form (use \\xHH or \\uHHHH)'],
];

/** The pattern as RE2 reads it (Unicode classes for \d and \w, as Python and Rust read them). */
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
        out += `\\x{${pattern.slice(i + 1, i + 9)}}`;
        i += 8;
      } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(pattern.slice(i + 1, i + 5))) {
        out += `\\x{${pattern.slice(i + 1, i + 5)}}`;
        i += 4;
      } else out += `\\${n}`;
    } else if (c === '[' && !inClass) {
      inClass = true;
      out += c;
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += `\\${pattern[++i]}`; // a leading ] is literal in Python
    } else if (c === ']' && inClass) {
      inClass = false;
      out += c;
    } else out += c;
  }
  return out;
}

function regex(pattern: Value | undefined): RE2JS {
  const source = translate(nonEmpty(pattern, 'the pattern'));
  try {
    return RE2JS.compile(source);
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

const group = (g: string | null | undefined): Value => str(g ?? '');
/** A match's text and each group's (an unmatched group as ""). */
const groups = (m: Matcher): Value => ({
  t: 'list',
  v: Array.from({ length: m.groupCount() + 1 }, (_, i) => group(m.group(i))),
});

/** Each match of `re` in `s`, left to right; RE2 steps past an empty match as Python does. */
function* matches(re: RE2JS, s: string): Generator<Matcher> {
  const m = re.matcher(s);
  while (m.find()) yield m;
}

function findall(s: string, re: RE2JS): Value {
  const out: Value[] = [];
  for (const m of matches(re, s)) {
    const n = m.groupCount();
    if (n === 0) out.push(str(m.group(0) ?? ''));
    else if (n === 1) out.push(group(m.group(1)));
    else out.push({ t: 'list', v: Array.from({ length: n }, (_, i) => group(m.group(i + 1))) });
  }
  return { t: 'list', v: out };
}

function splitBy(s: string, re: RE2JS, max: number): Value {
  const out: Value[] = [];
  let from = 0;
  let splits = 0;
  for (const m of matches(re, s)) {
    if (max >= 0 && splits++ >= max) break;
    out.push(str(s.slice(from, m.start())));
    for (let i = 1; i <= m.groupCount(); i++) out.push(group(m.group(i)));
    from = m.end();
  }
  out.push(str(s.slice(from)));
  return { t: 'list', v: out };
}

function substitute(s: string, re: RE2JS, repl: string): string {
  let out = '';
  let from = 0;
  for (const m of matches(re, s)) {
    out += s.slice(from, m.start()) + repl;
    from = m.end();
    if (out.length > MAX_STRING)
      throw new Error(`the result would be longer than ${MAX_STRING} characters`);
  }
  return out + s.slice(from);
}

export const REGEX_FUNCTIONS: Readonly<Record<string, Fn>> = {
  re_match: (a) => {
    arity(a, 2);
    const m = regex(a[1]).matcher(subject(a[0]));
    return m.lookingAt() ? groups(m) : { t: 'null' };
  },
  re_search: (a) => {
    arity(a, 2);
    const m = regex(a[1]).matcher(subject(a[0]));
    return m.find() ? groups(m) : { t: 'null' };
  },
  re_findall: (a) => (arity(a, 2), findall(subject(a[0]), regex(a[1]))),
  re_sub: (a) => {
    arity(a, 3);
    const repl = text(a[2]);
    if (/\\\d|\\g<|\$\d|\$\{/.test(repl))
      throw new Error(
        'the replacement is literal text: group references (\\1, $1) are not supported',
      );
    return str(substitute(subject(a[0]), regex(a[1]), repl));
  },
  re_escape: (a) => (arity(a, 1), str(text(a[0]).replace(/[.^$*+?()[\]{}|\\\-#&~\s]/g, '\\$&'))),
  re_split: (a) => {
    arity(a, 2, 3);
    return splitBy(subject(a[0]), regex(a[1]), a.length === 3 ? small(a[2]) : -1);
  },
};
