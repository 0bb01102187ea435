/**
 * The static types of EXPR values (RFC 0005 "Types"): the scalars, `list[T]`, unions (`T?` is
 * `T | nulltype`), `any` for what the checker cannot know (an unknown function's result, a value
 * it has no type for: never an error), type variables `T1` in signatures, and `noreturn` for a
 * call that always fails (`fail()`).
 */
type Scalar =
  'int' | 'float' | 'string' | 'path' | 'bool' | 'null' | 'range_expr' | 'any' | 'noreturn';

export type ExprType =
  | { t: Scalar }
  | { t: 'list'; of: ExprType }
  | { t: 'union'; of: ExprType[] }
  | { t: 'var'; name: string };

const scalar = (t: Scalar): ExprType => ({ t });
export const ANY = scalar('any');
export const INT = scalar('int');
export const FLOAT = scalar('float');
export const STRING = scalar('string');
export const PATH = scalar('path');
export const BOOL = scalar('bool');
export const NULL = scalar('null');
export const RANGE = scalar('range_expr');
export const NORETURN = scalar('noreturn');
export const listOf = (of: ExprType): ExprType => ({ t: 'list', of });

/** The name RFC 0005 writes for a type: `int`, `list[path]`, `string | nulltype`. */
export function typeName(x: ExprType): string {
  switch (x.t) {
    case 'list':
      return `list[${typeName(x.of)}]`;
    case 'union':
      return x.of.map(typeName).join(' | ');
    case 'var':
      return x.name;
    case 'null':
      return 'nulltype';
    default:
      return x.t;
  }
}

/** Reads a type as signatures write it: `int`, `list[T1]`, `int | nulltype`, `string?`. */
export function parseType(src: string): ExprType {
  const s = src.trim();
  const parts = splitTop(s, '|');
  if (parts.length > 1) return union(parts.map(parseType));
  if (s.endsWith('?')) return union([parseType(s.slice(0, -1)), NULL]);
  const list = /^list\[(.*)\]$/.exec(s);
  if (list) return listOf(parseType(list[1] as string));
  if (/^T\d*$/.test(s)) return { t: 'var', name: s };
  if (s === 'nulltype') return NULL;
  const known = ['int', 'float', 'string', 'path', 'bool', 'range_expr', 'any', 'noreturn'];
  if (!known.includes(s)) throw new Error(`not a type: ${s}`);
  return scalar(s as Scalar);
}

/** Splits `s` at `sep` where it is not inside brackets. */
export function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === sep && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out.map((p) => p.trim()).filter((p) => p !== '');
}

/** One type for "any of these": nested unions flattened, repeats and `noreturn` dropped. */
export function union(types: readonly ExprType[]): ExprType {
  const flat: ExprType[] = [];
  for (const x of types) {
    for (const m of x.t === 'union' ? x.of : [x]) {
      if (m.t === 'any') return ANY;
      if (m.t !== 'noreturn' && !flat.some((f) => typeName(f) === typeName(m))) flat.push(m);
    }
  }
  if (flat.length === 0) return NORETURN;
  return flat.length === 1 ? (flat[0] as ExprType) : { t: 'union', of: flat };
}

/** The members of a type: a union's, or the type itself. */
export const members = (x: ExprType): ExprType[] => (x.t === 'union' ? x.of : [x]);

/** Whether nothing is known of a value of this type (it matches every expectation). */
export const isOpen = (x: ExprType): boolean =>
  x.t === 'any' || (x.t === 'list' && isOpen(x.of)) || (x.t === 'union' && x.of.some(isOpen));

/**
 * The one type two list items share (RFC 0005 list type inference): equal types; int with float
 * is float; path with string is string; lists item by item; the empty list's `list[nulltype]`
 * with any list. Undefined when they share none.
 */
export function common(a: ExprType, b: ExprType): ExprType | undefined {
  if (a.t === 'any' || b.t === 'any') return ANY;
  if (typeName(a) === typeName(b)) return a;
  const pair = (x: string, y: string) => (a.t === x && b.t === y) || (a.t === y && b.t === x);
  if (pair('int', 'float')) return FLOAT;
  if (pair('path', 'string')) return STRING;
  if (a.t === 'list' && b.t === 'list') {
    if (a.of.t === 'null') return b;
    if (b.of.t === 'null') return a;
    const of = common(a.of, b.of);
    return of && listOf(of);
  }
  if (a.t === 'union' || b.t === 'union') return union([a, b]);
  return undefined;
}
