import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { MARK_VARIABLE, markedProcesses, newMark } from '../../src/local/marker.js';

const dir = mkdtempSync('/tmp/ct-mark-');
const mark = newMark();
const children: ChildProcess[] = [];

function sleepWith(env: Record<string, string>): number {
  const child = spawn('sleep', ['30'], {
    stdio: 'ignore',
    env: { PATH: process.env.PATH, ...env },
  });
  children.push(child);
  if (child.pid === undefined) throw new Error('sleep did not start');
  return child.pid;
}

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('the cluster mark', () => {
  it("finds a process that carries the cluster's mark and leaves one that only has its SLURM_CONF", () => {
    const conf = `${dir}/etc/slurm.conf`;
    const task = sleepWith({ [MARK_VARIABLE]: mark, SLURM_CONF: conf });
    const users = sleepWith({ SLURM_CONF: conf });
    const otherCluster = sleepWith({ [MARK_VARIABLE]: newMark(), SLURM_CONF: conf });
    const pids = markedProcesses(mark, dir).map((p) => p.pid);
    expect(pids).toContain(task);
    expect(pids).not.toContain(users);
    expect(pids).not.toContain(otherCluster);
  });

  it('finds no task processes for a cluster made before marks', () => {
    sleepWith({ [MARK_VARIABLE]: mark });
    expect(markedProcesses(undefined, dir)).toEqual([]);
  });
});
