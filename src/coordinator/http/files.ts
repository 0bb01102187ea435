import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.exr': 'image/x-exr',
  '.mp4': 'video/mp4',
  '.log': 'text/plain; charset=utf-8',
  '.out': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
};

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Resolves a path a request names inside one of `roots`; undefined when it escapes them (`..`,
 * absolute paths, symlinks pointing out) or does not exist as a file.
 */
export function resolveInside(roots: string[], requested: string): string | undefined {
  if (requested.includes('\0') || path.isAbsolute(requested)) return undefined;
  for (const root of roots) {
    if (!existsSync(root)) continue;
    const realRoot = realpathSync(root);
    const candidate = path.resolve(realRoot, requested);
    if (!existsSync(candidate)) continue;
    const real = realpathSync(candidate);
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return undefined;
    return statSync(real).isFile() ? real : undefined;
  }
  return undefined;
}

/** How long a versioned thumbnail may be kept: a year, the longest a browser honours. */
const KEEP_THUMB = 'private, max-age=31536000, immutable';

/**
 * What a browser may keep of a served file. A thumbnail asked for with a version (`?v=`, which
 * the viewer changes whenever the frame is rendered again) never changes under that URL, so it is
 * kept for good and a reload asks for nothing; anything else (frames, logs, videos, a thumbnail
 * without a version) is asked for again each time. Judged on the file the name resolved to, so no
 * spelling of a name (`thumbs/../logs/…`) makes another file cacheable.
 */
export function fileCacheControl(jobDir: string, file: string, version: unknown): string {
  if (typeof version !== 'string' || !/^[A-Za-z0-9_.-]{1,40}$/.test(version)) return 'no-store';
  const thumbs = path.join(jobDir, 'thumbs');
  if (!existsSync(thumbs)) return 'no-store';
  return file.startsWith(realpathSync(thumbs) + path.sep) ? KEEP_THUMB : 'no-store';
}
