import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The pid in a pid file, if the file exists and holds one. */
export function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The text of /proc/PID/<what>, or undefined when the process is gone or unreadable. */
export function readProc(pid: number, what: 'cmdline' | 'environ' | 'stat'): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${what}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** True when `pid` runs and is not a zombie. */
export function isAlive(pid: number): boolean {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return false;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/** The arguments `pid` runs with, program first (empty when gone). */
export function argvOf(pid: number): string[] {
  const raw = readProc(pid, 'cmdline') ?? '';
  return raw === '' ? [] : raw.replace(/\0$/, '').split('\0');
}

/** The command line of `pid` with its arguments joined by spaces ('' when gone). */
export function commandLine(pid: number): string {
  return argvOf(pid).join(' ').trim();
}

/**
 * The pid in `pidFile` if that process is alive, runs `program` and has `ownArg` (an argument
 * naming a file of this cluster's own: its slurm.conf, `--key-file=` its munge key) on its command
 * line. A pid reused by anything else, even a `less` of that file, does not match.
 */
export function pidFileProcess(
  pidFile: string,
  program: string,
  ownArg: string,
): number | undefined {
  const pid = readPid(pidFile);
  if (pid === undefined || !isAlive(pid)) return undefined;
  const argv = argvOf(pid);
  return path.basename(argv[0] ?? '') === program && argv.includes(ownArg) ? pid : undefined;
}

/** Sends `signal` to each pid that still lives. */
export function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Waits until none of `pids` is alive; returns those still alive at the deadline. */
export async function waitForExit(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(100);
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** True when something already listens on `port` (TCP, any address). */
export async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'EADDRINUSE' || err.code === 'EACCES'),
    );
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () =>
      server.close(() => resolve(false)),
    );
  });
}

/** The full path of `name` on PATH, or undefined. */
export function which(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(':')) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The last `n` lines of a file that match `filter` (all lines if none given); empty if unreadable. */
export function tailLines(file: string, n: number, filter?: RegExp): string[] {
  try {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    return (filter ? lines.filter((l) => filter.test(l)) : lines).slice(-n);
  } catch {
    return [];
  }
}
