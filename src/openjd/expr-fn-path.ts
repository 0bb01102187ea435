import {
  URI,
  isAbsolute,
  join,
  joinPath,
  nameOf,
  normalize,
  numbered,
  parentOf,
  rest,
  split,
  stemAndSuffix,
} from './expr-path-text.js';
import type { Value } from './expr-value.js';
import { mapPath, type PathMappingRule } from './path-mapping.js';

/**
 * The `path` type of EXPR (RFC 0006 "Path Type Properties and Functions"): its properties, its
 * functions and methods, and the `/` and `+` operators on it; paths as text (POSIX, URIs) are
 * expr-path-text.ts's.
 */

type Fn = (args: Value[]) => Value;

const str = (v: string): Value => ({ t: 'string', v });
const asPath = (v: string): Value => ({ t: 'path', v });

function text(v: Value | undefined, what = 'a path'): string {
  if (v && (v.t === 'string' || v.t === 'path')) return v.v;
  throw new Error(`needs ${what}`);
}

function arity(args: Value[], n: number): void {
  if (args.length !== n) throw new Error(`takes ${n} argument(s), not ${args.length}`);
}

/** The path with its last segment `name`; refused where it has none (a root, a bare authority). */
function withName(p: string, name: string, fn: string): string {
  if (nameOf(p) === '') throw new Error(`${fn}: '${p}' has an empty name`);
  const s = split(p);
  return join({ ...s, segs: [...s.segs.slice(0, -1), name] });
}

function validName(name: string): string {
  if (name === '' || name === '.' || name.includes('/')) throw new Error(`Invalid name '${name}'`);
  return name;
}

function validSuffix(sfx: string): string {
  if (sfx !== '' && (!sfx.startsWith('.') || sfx === '.' || sfx.includes('/')))
    throw new Error(`Invalid suffix '${sfx}': write it with a leading dot, such as ".png"`);
  return sfx;
}

/** `path(string)` or `path(list of parts)`, joined as pathlib joins them. */
function construct(v: Value): string {
  if (v.t !== 'list') return normalize(text(v, 'a string or a list of strings'));
  const parts = v.v.map((x) => text(x, 'a list of strings'));
  const [first, ...more] = parts;
  if (first === undefined) return '.';
  // a URI's parts keep their empty segments (`a//b` is its own key)
  if (URI.test(first)) return [first.replace(/\/+$/, ''), ...more].join('/');
  return parts.reduce((acc, x) => joinPath(acc, x), '.');
}

const method =
  (f: (p: string, args: Value[]) => Value, extra = 0): Fn =>
  (args) => {
    arity(args, extra + 1);
    return f(text(args[0]), args.slice(1));
  };

/** Keeps a string a string (`with_number` on a file pattern), a path a path. */
const sameKind = (like: Value | undefined, v: string): Value =>
  like?.t === 'string' ? str(v) : asPath(v);

export const PATH_FUNCTIONS: Readonly<Record<string, Fn>> = {
  path: (a) => (arity(a, 1), asPath(construct(a[0] as Value))),
  as_posix: method((p) => str(p)),
  is_absolute: method((p) => ({ t: 'bool', v: isAbsolute(p) })),
  is_relative_to: method((p, [o]) => ({ t: 'bool', v: rest(p, text(o)) !== undefined }), 1),
  relative_to: method((p, [o]) => {
    const r = rest(p, text(o));
    if (!r) throw new Error(`'${p}' is not relative to '${text(o)}'`);
    return asPath(r.length ? r.join('/') : '.');
  }, 1),
  with_name: method(
    (p, [n]) => asPath(withName(p, validName(text(n, 'a string')), 'with_name')),
    1,
  ),
  with_stem: method((p, [s]) => {
    const [, sfx] = stemAndSuffix(nameOf(p));
    const stem = text(s, 'a string');
    if (stem === '' && sfx !== '') throw new Error(`'${p}' has a non-empty suffix`);
    return asPath(withName(p, validName(stem + sfx), 'with_stem'));
  }, 1),
  with_suffix: method((p, [s]) => {
    const [stem] = stemAndSuffix(nameOf(p));
    return asPath(withName(p, stem + validSuffix(text(s, 'a string')), 'with_suffix'));
  }, 1),
  with_number: (a) => {
    arity(a, 2);
    const p = text(a[0]);
    const n = a[1];
    if (n?.t !== 'int') throw new Error('needs an int frame number');
    const [stem, sfx] = stemAndSuffix(nameOf(p));
    return sameKind(a[0], withName(p, numbered(stem, n.v) + sfx, 'with_number'));
  },
};

/** Properties of paths (`Param.Scene.stem`), as pathlib names them. */
export const PATH_PROPERTIES: Readonly<Record<string, (v: Value) => Value>> = {
  name: (v) => str(nameOf(text(v))),
  stem: (v) => str(stemAndSuffix(nameOf(text(v)))[0]),
  suffix: (v) => str(stemAndSuffix(nameOf(text(v)))[1]),
  suffixes: (v) => {
    const name = nameOf(text(v));
    if (name.endsWith('.')) return { t: 'list', v: [] };
    return {
      t: 'list',
      v: name
        .replace(/^\.+/, '')
        .split('.')
        .slice(1)
        .map((s) => str(`.${s}`)),
    };
  },
  parent: (v) => asPath(parentOf(text(v))),
  parts: (v) => {
    const s = split(text(v));
    return { t: 'list', v: [...(s.root ? [s.root] : []), ...s.segs].map(str) };
  },
};

/**
 * Functions only a host evaluates (RFC 0006 `@fmtstring[host]`): refused at submission-time
 * sites (a job's name, a timeout, host requirements, a step's `let`).
 */
export const HOST_FUNCTIONS: ReadonlySet<string> = new Set(['apply_path_mapping']);

/** `apply_path_mapping(s)`: `s` mapped by a session's path-mapping rules, as a path. */
export function applyPathMapping(rules: readonly PathMappingRule[]): Fn {
  return (a) => (arity(a, 1), asPath(normalize(mapPath(text(a[0], 'a string'), rules))));
}

/** The host functions as `openjd check` knows them (a session without rules). */
export const HOST_PATH_FUNCTIONS: Readonly<Record<string, Fn>> = {
  apply_path_mapping: applyPathMapping([]),
};

/** `p / child` and `p + text` (RFC 0006 "Path Operators"); undefined for other operands. */
export function pathOperator(op: string, l: Value, r: Value): Value | undefined {
  if (l.t !== 'path' || (r.t !== 'string' && r.t !== 'path')) return undefined;
  if (op === '/') return asPath(joinPath(l.v, r.v));
  if (op === '+' && r.t === 'string') return asPath(l.v + r.v);
  return undefined;
}
