/**
 * Paths as text (RFC 0006 "Path Type"), POSIX here (Linux hosts) with pathlib's semantics:
 * `normalize` folds `//`, `.` segments and trailing slashes (keeping a leading `//`) and never
 * resolves `..`. A URI (`s3://bucket/key`) keeps its `scheme://authority` as an opaque root and
 * its path verbatim, empty and `.` segments too. expr-fn-path.ts builds the `path` type on these.
 */

export const URI = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;
/** The widest frame-number padding `with_number` writes. */
const MAX_PAD = 32;

/** A path split into its root (`/`, `//`, `scheme://authority`, or none) and its segments. */
interface Split {
  root: string;
  segs: string[];
  uri: boolean;
}

export function split(p: string): Split {
  const m = URI.exec(p);
  if (m) {
    const slash = p.indexOf('/', m[0].length);
    if (slash === -1) return { root: p, segs: [], uri: true };
    return { root: p.slice(0, slash), segs: p.slice(slash + 1).split('/'), uri: true };
  }
  const lead = /^\/*/.exec(p)?.[0].length ?? 0;
  const root = lead === 0 ? '' : lead === 2 ? '//' : '/';
  return { root, segs: p.split('/').filter((s) => s !== '' && s !== '.'), uri: false };
}

export function join({ root, segs, uri }: Split): string {
  if (uri) return segs.length ? `${root}/${segs.join('/')}` : root;
  if (segs.length === 0) return root || '.';
  return root + segs.join('/');
}

/** A filesystem path as pathlib writes it; a URI as given. */
export function normalize(p: string): string {
  return URI.test(p) ? p : join(split(p));
}

/** The last segment; a URI's trailing slash or a root has none. */
export function nameOf(p: string): string {
  return split(p).segs.at(-1) ?? '';
}

export function stemAndSuffix(name: string): [string, string] {
  const i = name.lastIndexOf('.');
  return i > 0 && i < name.length - 1 ? [name.slice(0, i), name.slice(i)] : [name, ''];
}

export function parentOf(p: string): string {
  const s = split(p);
  return join({ ...s, segs: s.segs.slice(0, -1) });
}

export function isAbsolute(p: string): boolean {
  return URI.test(p) || p.startsWith('/');
}

/** `p / child`: an absolute child replaces `p`; a URI's child is appended with `/` as given. */
export function joinPath(p: string, child: string): string {
  if (isAbsolute(child)) return normalize(child);
  const s = split(p);
  const segs = s.segs.at(-1) === '' ? s.segs.slice(0, -1) : s.segs; // a URI's trailing slash is consumed
  return join({ ...s, segs: [...segs, ...split(child).segs] });
}

/** `n` written `width` wide, zero-padded after its sign (the sign counts toward the width). */
function padded(n: bigint | number, width: number): string {
  if (width > MAX_PAD) throw new Error(`a frame-number pattern may be at most ${MAX_PAD} wide`);
  const neg = n < 0;
  const digits = String(neg ? -n : n);
  return (neg ? '-' : '') + digits.padStart(width - (neg ? 1 : 0), '0');
}

/**
 * The stem with its last frame-number pattern (`####`, `%04d`, `%d`, digits) replaced by `n`;
 * `_NNNN` appended when it has none (RFC 0006 "Frame Number Substitution").
 */
export function numbered(stem: string, n: bigint | number): string {
  const patterns: [RegExp, (m: RegExpExecArray) => string][] = [
    [/#+/g, (m) => padded(n, m[0].length)],
    [/%(0?)(\d*)d/g, (m) => padded(n, m[1] ? Number(m[2]) : 0)],
    [/\d+/g, (m) => padded(n, m[0].length)],
  ];
  let best: { at: number; len: number; out: string } | undefined;
  for (const [re, write] of patterns)
    for (const m of stem.matchAll(re))
      if (!best || m.index + m[0].length > best.at + best.len)
        best = { at: m.index, len: m[0].length, out: write(m) };
  if (!best) return `${stem}_${padded(n, 4)}`;
  return stem.slice(0, best.at) + best.out + stem.slice(best.at + best.len);
}

/** The segments of `p` after those of `base`, or undefined when `base` is not a prefix of it. */
export function rest(p: string, base: string): string[] | undefined {
  const a = split(normalize(p));
  const b = split(normalize(base));
  if (a.uri !== b.uri || a.root.toLowerCase() !== b.root.toLowerCase()) return undefined;
  const bs = b.uri && b.segs.at(-1) === '' ? b.segs.slice(0, -1) : b.segs;
  if (bs.length > a.segs.length || bs.some((s, i) => a.segs[i] !== s)) return undefined;
  return a.segs.slice(bs.length);
}
