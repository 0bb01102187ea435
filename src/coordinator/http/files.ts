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
