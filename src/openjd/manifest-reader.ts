import { nodeFiles } from '../util/node-files.js';
import type { ReadManifest } from './manifest-range.js';
import { readManifestWith } from './manifest-probe.js';

/**
 * A manifest reader for one job on this machine's file system: relative paths are read from
 * `jobDir`, absolute ones only when they lie inside `jobDir` or one of `allowedRoots` (after
 * following symlinks). See `readManifestWith` for what `lines` and `glob` give.
 */
export function readManifestFromJobDir(
  jobDir: string,
  allowedRoots: readonly string[] = [],
): ReadManifest {
  return readManifestWith(nodeFiles, jobDir, allowedRoots);
}
