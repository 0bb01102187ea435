import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail, TaskView } from '../../src/api/types.js';
import { SlurmClient, isJobActive } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-suspend-');
const runs = path.join(root, 'runs');
let coord: CoordinatorProcess;

beforeAll(async () => {
  mkdirSync(runs);
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, [
    '--lease-seconds',
    '5',
    '--suspend-grace-seconds',
    '3',
  ]);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

const cli = (args: string[]) => runCli([...args, '--state-dir', coord.stateDir]);

/** Each run of a task adds a line to runs/<id>, then takes a few seconds. */
const TASK = [
  'python3',
  '-c',
  'import sys,time\nopen(sys.argv[2]+"/"+sys.argv[1],"a").write("run\\n")\ntime.sleep(4)',
  '{id}',
  runs,
];

const tasksOf = async (id: string) =>
  (await coord.api<{ tasks: TaskView[] }>('GET', `/api/jobs/${id}/tasks`)).tasks;

describe('suspending and resuming a job on the local cluster', () => {
  it('lets the running tasks finish, starts none, gives its node jobs back after the grace, and finishes every task once after a resume', async () => {
    const file = path.join(root, 'tasks.jsonl');
    const ids = Array.from({ length: 8 }, (_, i) => `t${i}`);
    writeFileSync(file, ids.map((id) => JSON.stringify({ id })).join('\n') + '\n');
    const r = cli([
      'submit',
      'command',
      '--tasks',
      file,
      '--command',
      JSON.stringify(TASK),
      '--nodes',
      '2',
      '--gpus-per-node',
      '1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const jobId = r.stdout.trim();
    await coord.waitFor(jobId, (j) => j.progress.leased >= 2, 120_000);

    const s = cli(['suspend', jobId]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/suspended: running tasks finish/);
    const atSuspend = await tasksOf(jobId);
    const running = atSuspend.filter((t) => t.state === 'leased').map((t) => t.id);
    const finishedBefore = atSuspend.filter((t) => t.state === 'done').length;
    expect(running.length).toBeGreaterThan(0);
    expect(cli(['status', jobId]).stdout).toMatch(/suspended/);
    expect(cli(['status']).stdout).toMatch(/suspended/);

    // The running tasks finish; nothing new starts; the node jobs end after the grace.
    const quiet = await coord.waitFor(
      jobId,
      (j) => j.progress.leased === 0 && j.allocations.every((a) => a.state === 'ended'),
      120_000,
    );
    expect(quiet.progress.done).toBe(finishedBefore + running.length);
    expect(quiet.progress.queued).toBe(ids.length - quiet.progress.done);
    expect(quiet.suspendedAt).not.toBeNull();
    const after = await tasksOf(jobId);
    for (const id of running) expect(after.find((t) => t.id === id)?.state).toBe('done');
    const active = (await slurm.squeue()).filter((j) => j.name.includes(jobId) && isJobActive(j));
    expect(active).toEqual([]);
    // Still nothing after a while: the job is not started afresh while suspended.
    await new Promise((res) => setTimeout(res, 3000));
    const still = await coord.api<JobDetail>('GET', `/api/jobs/${jobId}`);
    expect(still.progress.done).toBe(quiet.progress.done);
    expect(still.allocations.every((a) => a.state === 'ended')).toBe(true);
    const types = still.events.map((e) => e.type);
    expect(types).toContain('job:suspended');
    expect(types).toContain('scale:shrink');

    const resumed = cli(['resume', jobId]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resumed after \d+ s suspended/);
    const done = await coord.waitFor(jobId, ended, 300_000);
    expect(done.state).toBe('succeeded');
    expect(done.progress.done).toBe(ids.length);
    // Every task ran exactly once: none was cut short by the release, none ran twice.
    expect(readdirSync(runs).sort()).toEqual([...ids].sort());
    for (const id of ids) expect(readFileSync(path.join(runs, id), 'utf8')).toBe('run\n');
    expect(done.events.map((e) => e.type)).toContain('job:resumed');
    // Its elapsed time leaves the suspension out.
    expect(done.suspendedMs).toBeGreaterThan(3000);
    const wall = ((done.finishedAt ?? 0) - (done.startedAt ?? 0)) / 1000;
    expect(done.elapsedSeconds).toBeLessThanOrEqual(Math.round(wall - done.suspendedMs / 1000) + 1);
  });
});
