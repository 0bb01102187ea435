import path from 'node:path';
import type { FileProbe } from '../util/file-probe.js';
import { MAX_MANIFEST_VALUES, type ManifestRequest, type ReadManifest } from './manifest-range.js';
import { OpenjdInstantiationError } from './problem.js';

/** Largest manifest file read, in characters. */
const MAX_MANIFEST_CHARS = 16 * 1024 * 1024;

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

/**
 * A manifest reader that asks `files` (so the coordinator's job types can use it without touching
 * the disk themselves). Relative paths are read from `jobDir`; absolute ones only when they lie
 * inside `jobDir` or one of `allowedRoots`, after following symlinks where `files` can tell
 * where they lead. `lines` gives the file's non-blank lines; `glob` the absolute paths of the
 * matching files, sorted (`*` and `?` within a name, `**` any depth, hidden names only when the
 * pattern names the dot: partial writes stay out).
 */
export function readManifestWith(
  files: FileProbe,
  jobDir: string,
  allowedRoots: readonly string[] = [],
): ReadManifest {
  const real = (p: string) => (files.realPath ? files.realPath(p) : path.resolve(p));
  const exists = (p: string) => files.isFile(p) || files.isDirectory(p);
  const roots = [jobDir, ...allowedRoots].filter(exists).map(real);
  const names = (dir: string) => {
    try {
      return files.list(dir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    } catch {
      return [];
    }
  };
  // Files under `dir` matching the pattern segments (`**` matches any number of directories).
  const walk = (dir: string, segs: readonly string[], out: string[]): void => {
    if (out.length > MAX_MANIFEST_VALUES) return;
    const [head, ...rest] = segs;
    if (head === undefined) return;
    if (head === '**') {
      walk(dir, rest, out);
      for (const n of names(dir)) {
        const full = path.join(dir, n);
        if (!n.startsWith('.') && files.isDirectory(full)) walk(full, segs, out);
      }
      return;
    }
    const re = segmentRegex(head);
    for (const n of names(dir)) {
      if (n.startsWith('.') && !head.startsWith('.')) continue;
      if (!re.test(n)) continue;
      const full = path.join(dir, n);
      if (rest.length === 0 && files.isFile(full)) out.push(full);
      else if (rest.length > 0 && files.isDirectory(full)) walk(full, rest, out);
    }
  };
  return (req) => {
    const target = path.resolve(jobDir, req.path);
    if (req.kind === 'lines') {
      if (!exists(target))
        fail(
          req,
          `the manifest ${req.path} does not exist: the step that writes it has not written it`,
        );
      if (!inside(real(target), roots))
        fail(req, `the manifest ${req.path} is outside the job's directories`);
      if (!files.isFile(target)) fail(req, `the manifest ${req.path} is not a file`);
      const text = files.readText(target);
      if (text.length > MAX_MANIFEST_CHARS)
        fail(req, `the manifest ${req.path} is larger than ${MAX_MANIFEST_CHARS} characters`);
      return text
        .split('\n')
        .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
        .filter((l) => l.trim() !== '');
    }
    const segs = target.split(path.sep).filter((s) => s !== '');
    const literal = segs.findIndex((s) => /[*?]/.test(s));
    const baseDir =
      path.sep + segs.slice(0, literal < 0 ? segs.length - 1 : literal).join(path.sep);
    if (!files.isDirectory(baseDir)) return [];
    if (!inside(real(baseDir), roots))
      fail(req, `the pattern ${req.path} starts outside the job's directories`);
    const found: string[] = [];
    walk(baseDir, literal < 0 ? segs.slice(-1) : segs.slice(literal), found);
    for (const f of found)
      if (!inside(real(f), roots))
        fail(req, `the pattern ${req.path} matches a file outside the job's directories`);
    return found.sort();
  };
}
