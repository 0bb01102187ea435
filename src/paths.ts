import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The package's root directory (where package.json, slurm/, agents/ and scenes/ live). */
export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the cluster-tool package root');
    dir = up;
  }
  root = dir;
  return dir;
}

/** A path inside the package, e.g. `packagePath('slurm', 'templates')`. */
export function packagePath(...parts: string[]): string {
  return path.join(packageRoot(), ...parts);
}
