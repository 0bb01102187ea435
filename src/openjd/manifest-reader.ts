import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { MAX_MANIFEST_VALUES, type ManifestRequest, type ReadManifest } from './manifest-range.js';
import { OpenjdInstantiationError } from './problem.js';

/** Largest manifest file read. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

function inside(file: string, roots: readonly string[]): boolean {
  return roots.some((r) => file === r || file.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
}

function fail(req: ManifestRequest, message: string): never {
  throw new OpenjdInstantiationError([
    { path: `steps["${req.step}"] task parameter ${req.parameter}`, message },
  ]);
}

function segmentRegex(segment: string): RegExp {
  const body = segment
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '[^/]*')
    .replaceAll('?', '[^/]');
  return new RegExp(`^${body}$`);
}

/** Files under `dir` matching the pattern segments (`**` matches any number of directories). */
function walk(dir: string, segs: readonly string[], out: string[]): void {
  if (out.length > MAX_MANIFEST_VALUES) return;
  const [head, ...rest] = segs;
  if (head === undefined) return;
  if (head === '**') {
    walk(dir, rest, out);
    for (const e of safeList(dir)) if (e.isDirectory()) walk(path.join(dir, e.name), segs, out);
    return;
  }
  const re = segmentRegex(head);
  for (const e of safeList(dir)) {
    if (e.name.startsWith('.') && !head.startsWith('.')) continue; // hidden files (partial writes) need an explicit dot
    if (!re.test(e.name)) continue;
    const full = path.join(dir, e.name);
    if (rest.length === 0 && e.isFile()) out.push(full);
    else if (rest.length > 0 && e.isDirectory()) walk(full, rest, out);
  }
}

function safeList(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  } catch {
    return [];
  }
}

/**
 * A manifest reader for one job: relative paths are read from `jobDir`, absolute ones only when
 * they lie inside `jobDir` or one of `allowedRoots` (after following symlinks). `lines` gives the
 * file's non-blank lines; `glob` gives the absolute paths of the matching files, sorted.
 */
export function readManifestFromJobDir(
  jobDir: string,
  allowedRoots: readonly string[] = [],
): ReadManifest {
  const roots = [jobDir, ...allowedRoots].filter((r) => existsSync(r)).map((r) => realpathSync(r));
  return (req) => {
    const target = path.resolve(jobDir, req.path);
    if (req.kind === 'lines') {
      if (!existsSync(target))
        fail(
          req,
          `the manifest ${req.path} does not exist: the step that writes it has not written it`,
        );
      const real = realpathSync(target);
      if (!inside(real, roots))
        fail(req, `the manifest ${req.path} is outside the job's directories`);
      if (!statSync(real).isFile()) fail(req, `the manifest ${req.path} is not a file`);
      if (statSync(real).size > MAX_MANIFEST_BYTES)
        fail(req, `the manifest ${req.path} is larger than ${MAX_MANIFEST_BYTES} bytes`);
      return readFileSync(real, 'utf8')
        .split('\n')
        .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
        .filter((l) => l.trim() !== '');
    }
    const segs = target.split(path.sep).filter((s) => s !== '');
    const literal = segs.findIndex((s) => /[*?]/.test(s));
    const baseDir =
      path.sep + segs.slice(0, literal < 0 ? segs.length - 1 : literal).join(path.sep);
    if (!existsSync(baseDir)) return [];
    if (!inside(realpathSync(baseDir), roots))
      fail(req, `the pattern ${req.path} starts outside the job's directories`);
    const found: string[] = [];
    walk(baseDir, literal < 0 ? segs.slice(-1) : segs.slice(literal), found);
    for (const f of found)
      if (!inside(realpathSync(f), roots))
        fail(req, `the pattern ${req.path} matches a file outside the job's directories`);
    return found.sort();
  };
}
