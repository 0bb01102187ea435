import { readdirSync, readFileSync } from 'node:fs';

/**
 * Bytes written to storage by this process's children, from Linux I/O accounting
 * (proc(5) /proc/[pid]/io: `write_bytes` less `cancelled_write_bytes`). The kernel adds a child's
 * counters to its parent's when the parent reaps it (grandchildren reach the child the same way),
 * so the process total less what each of our own threads wrote is what our children wrote. The
 * figure counts pages when they are dirtied: what reaches the file system, whatever the disk;
 * writes to pipes (the task's output) and files deleted before write-back do not count. Null
 * where the counters cannot be read (not Linux, or /proc hidden).
 */
export function childBytesWritten(): number | null {
  try {
    const whole = written(readFileSync('/proc/self/io', 'utf8'));
    let own = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        own += written(readFileSync(`/proc/self/task/${tid}/io`, 'utf8'));
      } catch {
        // a thread that ended between the listing and the read: its bytes moved into the total
      }
    }
    return whole - own;
  } catch {
    return null;
  }
}

function written(text: string): number {
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return field('write_bytes') - field('cancelled_write_bytes');
}

/** Bytes written between two readings, or null when either is unknown. */
export function bytesBetween(before: number | null, after: number | null): number | null {
  return before === null || after === null ? null : Math.max(0, after - before);
}
