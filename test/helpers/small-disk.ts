import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A small disk of its own (a tmpfs of `size`, e.g. `16m`) mounted at `dir`, for the cases that
 * fill a disk under the coordinator or a job: `fill()` takes its last byte, `free()` gives the
 * space back, `unmount()` ends it.
 */
export function smallDisk(dir: string, size: string) {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  const filler = path.join(dir, 'filler');
  return {
    fill(): void {
      try {
        writeFileSync(filler, Buffer.alloc(256 * 1024 * 1024));
      } catch {
        // ENOSPC once the disk is full: what was written stays.
      }
    },
    free: (): void => rmSync(filler, { force: true }),
    unmount(): void {
      execFileSync('umount', ['-l', dir]);
    },
  };
}
