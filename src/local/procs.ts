import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

function readProc(pid: number, what: 'cmdline' | 'environ' | 'stat'): string | undefined {
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

/** The pid from `pidFile` if that process is alive and its command line mentions `marker` (guards against pid reuse). */
export function livePid(pidFile: string, marker: string): number | undefined {
  const pid = readPid(pidFile);
  if (pid === undefined || !isAlive(pid)) return undefined;
  const cmdline = readProc(pid, 'cmdline')?.replaceAll('\0', ' ') ?? '';
  return cmdline.includes(marker) ? pid : undefined;
}

export interface ProcInfo {
  pid: number;
  command: string;
}

/**
 * Every live process that belongs to the cluster: started with its slurm.conf on the command line
 * or in SLURM_CONF (daemons, slurmstepd, and the job processes they start).
 */
export function clusterProcesses(slurmConf: string, extraMarkers: string[] = []): ProcInfo[] {
  const found: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid || !isAlive(pid)) continue;
    const cmdline = readProc(pid, 'cmdline')?.replaceAll('\0', ' ').trim() ?? '';
    const environ = readProc(pid, 'environ') ?? '';
    const mine =
      environ.split('\0').includes(`SLURM_CONF=${slurmConf}`) ||
      cmdline.includes(slurmConf) ||
      extraMarkers.some((m) => cmdline.includes(m));
    if (mine) found.push({ pid, command: cmdline });
  }
  return found;
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
