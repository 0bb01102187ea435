import { readFileSync, writeFileSync } from 'node:fs';
import { isAlive, readProc } from './procs.js';

/**
 * One process the local cluster started, named by pid and the kernel's start time of that pid
 * (field 22 of /proc/PID/stat, clock ticks since boot). A pid the kernel has since handed to
 * another program has another start time, so it never matches.
 */
export interface StartedProcess {
  pid: number;
  startTime: number;
}

/** Field 22 (starttime) of a /proc/PID/stat line. */
export function startTimeFromStat(stat: string): number | undefined {
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const startTime = Number(stat.slice(close + 2).split(' ')[19]);
  return Number.isInteger(startTime) && startTime >= 0 ? startTime : undefined;
}

/** The start time of `pid` from /proc/PID/stat, or undefined when no such process runs. */
export function processStartTime(pid: number): number | undefined {
  const stat = readProc(pid, 'stat');
  return stat === undefined ? undefined : startTimeFromStat(stat);
}

/** `pid` as it runs now, to record; undefined when it does not run. */
export function identify(pid: number): StartedProcess | undefined {
  const startTime = isAlive(pid) ? processStartTime(pid) : undefined;
  return startTime === undefined ? undefined : { pid, startTime };
}

/** True when the recorded process still runs: same pid, same start time, not a zombie. */
export function stillRuns(p: StartedProcess): boolean {
  return isAlive(p.pid) && processStartTime(p.pid) === p.startTime;
}

/**
 * The file (0600) where a cluster keeps the processes it started, by role ("slurmctld",
 * "slurmd node1", "coordinator", ...). `local down` signals only what this file names and
 * still runs.
 */
export class StartedProcesses {
  constructor(readonly file: string) {}

  /** Every recorded role, live or not. */
  all(): Record<string, StartedProcess> {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      if (!parsed || typeof parsed !== 'object') return {};
      const out: Record<string, StartedProcess> = {};
      for (const [role, v] of Object.entries(parsed as Record<string, unknown>)) {
        const p = v as Partial<StartedProcess> | null;
        if (Number.isInteger(p?.pid) && Number.isInteger(p?.startTime))
          out[role] = { pid: p?.pid ?? 0, startTime: p?.startTime ?? 0 };
      }
      return out;
    } catch {
      return {};
    }
  }

  /** The pid recorded for `role` if that very process still runs. */
  live(role: string): number | undefined {
    const p = this.all()[role];
    return p && stillRuns(p) ? p.pid : undefined;
  }

  /** True when `role` has an entry, live or not. */
  has(role: string): boolean {
    return role in this.all();
  }

  /** Records `pid` (as it runs now) for `role`; false when it no longer runs. */
  record(role: string, pid: number): boolean {
    const p = identify(pid);
    if (!p) return false;
    this.write({ ...this.all(), [role]: p });
    return true;
  }

  /** Drops `role` from the file. */
  forget(role: string): void {
    const rest = this.all();
    delete rest[role];
    this.write(rest);
  }

  /** Drops every role whose process no longer runs. */
  prune(): void {
    const all = this.all();
    const kept = Object.fromEntries(Object.entries(all).filter(([, p]) => stillRuns(p)));
    if (Object.keys(kept).length !== Object.keys(all).length) this.write(kept);
  }

  private write(entries: Record<string, StartedProcess>): void {
    writeFileSync(this.file, JSON.stringify(entries, null, 2) + '\n', { mode: 0o600 });
  }
}
