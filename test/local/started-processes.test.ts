import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  processStartTime,
  StartedProcesses,
  startTimeFromStat,
} from '../../src/local/started-processes.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];

function sleeper(): number {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(child);
  if (child.pid === undefined) throw new Error('sleep did not start');
  return child.pid;
}

function recordFile(): string {
  const dir = mkdtempSync('/tmp/ct-started-');
  dirs.push(dir);
  return path.join(dir, 'processes.json');
}

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('started processes', () => {
  it('reads the start time after a command name that holds spaces and parentheses', () => {
    const stat =
      '42 (a) b (c)) S 1 42 42 0 -1 4194304 99 0 0 0 0 0 0 0 20 0 1 0 337451 3133440 408';
    expect(startTimeFromStat(stat)).toBe(337451);
  });

  it('finds a recorded process while that very process runs', () => {
    const pid = sleeper();
    const started = new StartedProcesses(recordFile());
    expect(started.record('slurmctld', pid)).toBe(true);
    expect(started.live('slurmctld')).toBe(pid);
    expect(readFileSync(started.file, 'utf8')).toContain(`"pid": ${pid}`);
  });

  it('does not take a pid that now belongs to a process with another start time', () => {
    const pid = sleeper();
    const file = recordFile();
    // What the record holds after the daemon died and the kernel gave its pid to this sleep.
    const startTime = (processStartTime(pid) ?? 0) - 1;
    writeFileSync(file, JSON.stringify({ slurmctld: { pid, startTime } }));
    expect(new StartedProcesses(file).live('slurmctld')).toBeUndefined();
  });

  it('forgets the processes that ended and keeps the ones that run', async () => {
    const running = sleeper();
    const ended = sleeper();
    const started = new StartedProcesses(recordFile());
    started.record('slurmd node1', running);
    started.record('slurmd node2', ended);
    const child = children[1];
    await new Promise<void>((resolve) => {
      child?.once('exit', () => resolve());
      child?.kill('SIGKILL');
    });
    started.prune();
    expect(Object.keys(started.all())).toEqual(['slurmd node1']);
  });
});
