import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * `mkdir -p`, one level at a time. Node 20's recursive mkdirSync can spin forever on some
 * pseudo file systems (under /proc, for one); this fails at once with the real error instead.
 */
export function makeDirs(dir: string, mode?: number): void {
  const missing: string[] = [];
  let cur = path.resolve(dir);
  while (!existsSync(cur)) {
    missing.unshift(cur);
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  for (const d of missing) mkdirSync(d, mode === undefined ? undefined : { mode });
}

/**
 * Removes the hidden `.partial-*` files a renderer leaves when it is killed mid-frame (a node
 * released with --now, an agent SIGKILLed), so a finished job's output holds only whole frames.
 */
export function removePartialFiles(dir: string): number {
  let removed = 0;
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) removed += removePartialFiles(full);
      else if (entry.name.startsWith('.partial-')) {
        rmSync(full, { force: true });
        removed++;
      }
    }
  } catch {
    // no output directory: nothing to tidy
  }
  return removed;
}

/**
 * Regular files under `dir`, recursively, as paths relative to it. Symbolic links are left out,
 * so nothing outside `dir` is ever listed through one.
 */
export function listFiles(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? listFiles(dir, path.join(rel, e.name))
      : e.isFile()
        ? [path.join(rel, e.name)]
        : [],
  );
}
