import { existsSync, mkdirSync } from 'node:fs';
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
