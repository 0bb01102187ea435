import { arity, bool, chars, nonEmpty, small, str, text, type Fn } from './expr-fn-args.js';
import { intValue, MAX_STRING, toText, type Value } from './expr-value.js';

/**
 * The string functions of RFC 0006, with Python's `str` semantics: indexes, lengths and widths
 * count code points; the character classes are Unicode's. Each is also a method (`s.upper()`).
 */

// Python's str.isspace: Unicode White_Space less U+FEFF, plus the separators U+001C–U+001F
// eslint-disable-next-line no-control-regex -- U+001C–U+001F are whitespace to Python
const SPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/u;
const DIGIT =
  /^[\p{Nd}\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24f5-\u24fd\u2776-\u277e\u2780-\u2788\u278a-\u2792]+$/u;
const CASED = /[\p{Uppercase}\p{Lowercase}\p{Lt}]/u;

type Method = (s: string, args: Value[]) => Value;

/** A string function of `min`..`max` arguments after the string itself. */
const method =
  (f: Method, min = 0, max = min): Fn =>
  (args) => {
    arity(args, min + 1, max + 1);
    return f(text(args[0]), args.slice(1));
  };

const test = (f: (s: string) => boolean): Fn => method((s) => bool(f(s)));

function stripSet(s: string, set: Value | undefined, left: boolean, right: boolean): string {
  const drop = set === undefined ? null : new Set(chars(text(set)));
  const gone = (c: string) => (drop ? drop.has(c) : SPACE.test(c));
  const cs = chars(s);
  let i = 0;
  let j = cs.length;
  while (left && i < j && gone(cs[i] as string)) i++;
  while (right && j > i && gone(cs[j - 1] as string)) j--;
  return cs.slice(i, j).join('');
}

/** Python's split/rsplit: on runs of whitespace without `sep`, at most `max` splits (-1: all). */
function split(s: string, sep: string | undefined, max: number, fromRight: boolean): string[] {
  if (sep === undefined) {
    // eslint-disable-next-line no-control-regex -- as SPACE
    const words = s.split(/[\s\x1c-\x1f\x85]+/u).filter(Boolean);
    if (max < 0 || words.length <= max + 1) return words;
    // the rest keeps its inner whitespace, as Python's does
    const re = fromRight ? /^(.*\S)\s+(\S+)\s*$/su : /^\s*(\S+)\s+(.*\S)\s*$/su;
    const out: string[] = [];
    let rest = s;
    for (let k = 0; k < max; k++) {
      const m = re.exec(rest);
      if (!m) break;
      out[fromRight ? 'unshift' : 'push'](fromRight ? (m[2] as string) : (m[1] as string));
      rest = fromRight ? (m[1] as string) : (m[2] as string);
    }
    const last = rest.trim();
    return fromRight ? [last, ...out] : [...out, last];
  }
  const parts = s.split(sep);
  if (max < 0 || parts.length <= max + 1) return parts;
  return fromRight
    ? [parts.slice(0, parts.length - max).join(sep), ...parts.slice(parts.length - max)]
    : [...parts.slice(0, max), parts.slice(max).join(sep)];
}

const splitter = (fromRight: boolean) =>
  method(
    (s, [sep, max]) => ({
      t: 'list',
      v: split(
        s,
        sep === undefined || sep.t === 'null' ? undefined : nonEmpty(sep, 'the separator'),
        max === undefined ? -1 : small(max),
        fromRight,
      ).map(str),
    }),
    0,
    2,
  );

/** A code-point index of `sub` in `s` (-1 if absent), from the left or the right. */
function find(s: string, sub: Value | undefined, last: boolean): number {
  const needle = nonEmpty(sub, 'the substring');
  const at = last ? s.lastIndexOf(needle) : s.indexOf(needle);
  return at < 0 ? -1 : chars(s.slice(0, at)).length;
}

/** A width to pad to; one past the longest string is refused rather than cut short. */
function widthOf(v: Value | undefined): number {
  const w = small(v);
  if (w > MAX_STRING) throw new Error(`the result would be longer than ${MAX_STRING} characters`);
  return w;
}

function pad(s: string, width: Value | undefined, where: 'left' | 'right' | 'center'): string {
  const w = widthOf(width);
  const marg = w - chars(s).length;
  if (marg <= 0) return s;
  // CPython's centering: the odd space goes left when the width is odd
  const left = where === 'left' ? 0 : where === 'right' ? marg : (marg >> 1) + (marg & w & 1);
  return ' '.repeat(left) + s + ' '.repeat(marg - left);
}

function title(s: string): string {
  let out = '';
  let prevCased = false;
  for (const c of s) {
    const cased = CASED.test(c);
    out += cased ? (prevCased ? c.toLowerCase() : c.toUpperCase()) : c;
    prevCased = cased;
  }
  return out;
}

function zfill(a: Value[]): Value {
  arity(a, 2);
  const v = a[0] as Value;
  const s = v.t === 'int' || v.t === 'float' ? toText(v) : text(v, 'a string or a number');
  const width = widthOf(a[1]);
  const sign = /^[-+]/.test(s) ? (s[0] as string) : '';
  const body = s.slice(sign.length);
  return str(sign + '0'.repeat(Math.max(0, width - chars(s).length)) + body);
}

export const STRING_FUNCTIONS: Readonly<Record<string, Fn>> = {
  upper: method((s) => str(s.toUpperCase())),
  lower: method((s) => str(s.toLowerCase())),
  capitalize: method((s) => {
    const [first = '', ...rest] = chars(s);
    return str(first.toUpperCase() + rest.join('').toLowerCase());
  }),
  title: method((s) => str(title(s))),
  strip: method((s, [c]) => str(stripSet(s, c, true, true)), 0, 1),
  lstrip: method((s, [c]) => str(stripSet(s, c, true, false)), 0, 1),
  rstrip: method((s, [c]) => str(stripSet(s, c, false, true)), 0, 1),
  removeprefix: method((s, [p]) => str(s.startsWith(text(p)) ? s.slice(text(p).length) : s), 1),
  removesuffix: method(
    (s, [p]) => str(text(p) && s.endsWith(text(p)) ? s.slice(0, -text(p).length) : s),
    1,
  ),
  startswith: method((s, [p]) => bool(s.startsWith(text(p))), 1),
  endswith: method((s, [p]) => bool(s.endsWith(text(p))), 1),
  isdigit: test((s) => DIGIT.test(s)),
  isalpha: test((s) => /^\p{L}+$/u.test(s)),
  isalnum: test((s) => /^[\p{L}\p{N}]+$/u.test(s)),
  isspace: test((s) => SPACE.test(s)),
  isupper: test((s) => CASED.test(s) && !/[\p{Lowercase}\p{Lt}]/u.test(s)),
  islower: test((s) => CASED.test(s) && !/[\p{Uppercase}\p{Lt}]/u.test(s)),
  isascii: test((s) => [...s].every((c) => (c.codePointAt(0) ?? 0) < 0x80)),
  count: method(
    (s, [sub]) => intValue(BigInt(s.split(nonEmpty(sub, 'the substring')).length - 1)),
    1,
  ),
  find: method((s, [sub]) => intValue(BigInt(find(s, sub, false))), 1),
  rfind: method((s, [sub]) => intValue(BigInt(find(s, sub, true))), 1),
  index: method((s, [sub]) => {
    const at = find(s, sub, false);
    if (at < 0) throw new Error(`${JSON.stringify(text(sub))} is not in the string`);
    return intValue(BigInt(at));
  }, 1),
  rindex: method((s, [sub]) => {
    const at = find(s, sub, true);
    if (at < 0) throw new Error(`${JSON.stringify(text(sub))} is not in the string`);
    return intValue(BigInt(at));
  }, 1),
  replace: method((s, [a, b]) => {
    const parts = s.split(nonEmpty(a, 'the text to replace'));
    if ((parts.length - 1) * text(b).length + s.length > MAX_STRING)
      throw new Error(`the result would be longer than ${MAX_STRING} characters`);
    return str(parts.join(text(b)));
  }, 2),
  split: splitter(false),
  rsplit: splitter(true),
  ljust: method((s, [w]) => str(pad(s, w, 'left')), 1),
  rjust: method((s, [w]) => str(pad(s, w, 'right')), 1),
  center: method((s, [w]) => str(pad(s, w, 'center')), 1),
  zfill,
};
