import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { commandLine, isAlive, readProc } from './procs.js';

/**
 * The variable every task of a local cluster carries (set by its TaskProlog, see
 * slurm/local/task-prolog.sh.hbs). It is never printed for users to export, so a process that
 * holds it with this cluster's value was started by this cluster, unlike one that merely has
 * its SLURM_CONF.
 */
export const MARK_VARIABLE = 'CLUSTER_TOOL_LOCAL_MARK';

const MARK = /^[0-9a-f]{32}$/;

/** A fresh mark for a new cluster directory. */
export function newMark(): string {
  return randomBytes(16).toString('hex');
}

/** True when `value` has the shape `newMark` makes (a tampered record is not trusted). */
export function isMark(value: unknown): value is string {
  return typeof value === 'string' && MARK.test(value);
}

/** A process found by the sweep, with the command line to report. */
export interface MarkedProcess {
  pid: number;
  command: string;
}

function inside(dir: string, target: string | undefined): boolean {
  return target !== undefined && (target === dir || target.startsWith(dir + path.sep));
}

function link(p: string): string | undefined {
  try {
    return readlinkSync(p);
  } catch {
    return undefined;
  }
}

// /proc links name real paths, so compare against the directory with its symlinks resolved.
function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

// slurmstepd overwrites its environment with its title, so the mark cannot be read from it; a
// step daemon of this cluster works in, and holds its log open under, the cluster's directory.
function isOwnStepDaemon(pid: number, clusterDir: string): boolean {
  const stat = readProc(pid, 'stat') ?? '';
  if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'slurmstepd') return false;
  if (inside(clusterDir, link(`/proc/${pid}/cwd`))) return true;
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) =>
      inside(clusterDir, link(`/proc/${pid}/fd/${fd}`)),
    );
  } catch {
    return false;
  }
}

/**
 * Every live process the cluster in `clusterDir` spawned for its jobs: those whose environment
 * holds `MARK_VARIABLE=mark` (batch scripts, step tasks, agents and whatever they start, also
 * when orphaned) and, unless `tasksOnly`, its slurmstepd processes. A cluster made before marks
 * (`mark` undefined) has only the latter. This process itself is never listed.
 */
export function markedProcesses(
  mark: string | undefined,
  clusterDir: string,
  opts: { tasksOnly?: boolean } = {},
): MarkedProcess[] {
  const wanted = mark === undefined ? undefined : `${MARK_VARIABLE}=${mark}`;
  const dir = realDir(clusterDir);
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid || !isAlive(pid)) continue;
    const env = wanted === undefined ? [] : (readProc(pid, 'environ')?.split('\0') ?? []);
    const ours =
      (wanted !== undefined && env.includes(wanted)) ||
      (!opts.tasksOnly && isOwnStepDaemon(pid, dir));
    if (ours) found.push({ pid, command: commandLine(pid) });
  }
  return found;
}
