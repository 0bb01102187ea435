import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** This process's open-file limits (soft, hard), from /proc; undefined where there is none. */
export function openFileLimits(): { soft: number; hard: number } | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = (line?.match(/(\d+|unlimited)\s+(\d+|unlimited)/)?.slice(1) ?? []).map(
      (v) => (v === 'unlimited' ? Infinity : Number(v)),
    );
    return soft !== undefined && hard !== undefined ? { soft, hard } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure this process (and what it starts later) may open `needed` files: every simulated
 * long-poll holds a socket. Node cannot set its own limit, so util-linux's `prlimit` raises it
 * on this process's pid (up to the hard limit, or beyond it as root). Returns the limit now.
 */
export function ensureOpenFiles(needed: number): number {
  const now = openFileLimits();
  if (!now || now.soft >= needed) return now?.soft ?? needed;
  const hard = process.getuid?.() === 0 ? Math.max(now.hard, needed) : now.hard;
  const soft = Math.min(needed, hard);
  try {
    execFileSync('prlimit', [`--pid=${process.pid}`, `--nofile=${soft}:${hard}`], {
      stdio: 'ignore',
    });
  } catch {
    // Left as it was; the caller says what to do.
  }
  return openFileLimits()?.soft ?? now.soft;
}
