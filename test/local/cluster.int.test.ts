import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { markedProcesses } from '../../src/local/marker.js';
import { isAlive, readPid } from '../../src/local/procs.js';
import { runCli } from '../helpers/cli.js';

// A second, small cluster with its own directory and ports, so this file can take it down.
const dir = mkdtempSync('/tmp/ct-life-');
const portBase = inject('clusterPortBase') + 100;
const conf = path.join(dir, 'etc', 'slurm.conf');
const stateDir = path.join(dir, 'coordinator');
const userPids: number[] = [];
const shape = [
  '--dir',
  dir,
  '--nodes',
  '2',
  '--gpus-per-node',
  '2',
  '--port-base',
  String(portBase),
];

afterAll(() => {
  for (const pid of userPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  runCli(['local', 'down', '--dir', dir]);
  rmSync(dir, { recursive: true, force: true });
});

describe('cluster-tool local', () => {
  it('refuses --nodes 0 with a clear error and creates nothing', () => {
    const fresh = path.join(dir, 'never');
    const r = runCli(['local', 'up', '--dir', fresh, '--nodes', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--nodes must be a whole number from 1 to 64 (got 0)');
    expect(existsSync(fresh)).toBe(false);
  });

  it('refuses a port that another program holds and creates nothing', async () => {
    const server = net.createServer();
    const port = portBase + 50;
    await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
    try {
      const fresh = path.join(dir, 'busy');
      const r = runCli([
        'local',
        'up',
        '--dir',
        fresh,
        '--nodes',
        '1',
        '--port-base',
        String(port),
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `port ${port} (for slurmctld) is already in use by another program`,
      );
      expect(existsSync(fresh)).toBe(false);
    } finally {
      server.close();
    }
  });

  it('refuses a directory it cannot write', () => {
    const r = runCli([
      'local',
      'up',
      '--dir',
      '/proc/ct-cannot-write',
      '--nodes',
      '1',
      '--port-base',
      String(portBase + 60),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /cannot use --dir \/proc\/ct-cannot-write: .*Pick a directory you can write to/,
    );
  });

  it('names a missing binary and how to get it', () => {
    const r = runCli(['local', 'up', '--dir', path.join(dir, 'nobin')], {
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/munged was not found on PATH\. .*cluster-tool local install/);
  });

  it('starts, is idempotent, runs a job on every GPU, and tells a shell what to export', () => {
    const up = runCli(['local', 'up', ...shape]);
    expect(up.stderr + up.stdout).toContain('Local Slurm cluster up: 2 node(s) × 2 GPU(s)');
    expect(up.stdout).toContain(`export SLURM_CONF=${conf}`);
    expect(up.stdout).toContain(`export CLUSTER_TOOL_LOCAL_DIR=${dir}`);
    expect(up.stdout).toContain(`export CLUSTER_TOOL_STATE_DIR=${stateDir}`);
    const ctldPid = readFileSync(path.join(dir, 'run', 'slurmctld.pid'), 'utf8');

    // A new shell with those exports (and no --dir / --state-dir) reaches this cluster.
    const exported = {
      SLURM_CONF: conf,
      CLUSTER_TOOL_LOCAL_DIR: dir,
      CLUSTER_TOOL_STATE_DIR: stateDir,
    };
    const jobs = runCli(['status'], { env: exported });
    expect(jobs.stderr).toBe('');
    expect(jobs.stdout).toContain('No jobs yet');
    const localStatus = runCli(['local', 'status'], { env: exported });
    expect(localStatus.stdout).toContain(`Local cluster in ${dir}: running`);
    expect(localStatus.stdout).toMatch(/Coordinator: http:\/\/127\.0\.0\.1:\d+/);

    const again = runCli(['local', 'up', ...shape]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already running; nothing changed');
    expect(readFileSync(path.join(dir, 'run', 'slurmctld.pid'), 'utf8')).toBe(ctldPid);

    const reshape = runCli([
      'local',
      'up',
      '--dir',
      dir,
      '--nodes',
      '3',
      '--port-base',
      String(portBase),
    ]);
    expect(reshape.code).toBe(1);
    expect(reshape.stderr).toContain('local down');

    const check = runCli(['local', 'check', '--dir', dir]);
    expect(check.code).toBe(0);
    for (const line of [
      'node1 CUDA_VISIBLE_DEVICES=0',
      'node1 CUDA_VISIBLE_DEVICES=1',
      'node2 CUDA_VISIBLE_DEVICES=0',
      'node2 CUDA_VISIBLE_DEVICES=1',
    ]) {
      expect(check.stdout).toContain(line);
    }

    const status = runCli(['local', 'status', '--dir', dir, '--json']);
    const parsed = JSON.parse(status.stdout) as {
      running: boolean;
      nodes: { name: string; gpus: number }[];
    };
    expect(parsed.running).toBe(true);
    expect(parsed.nodes.map((n) => [n.name, n.gpus])).toEqual([
      ['node1', 2],
      ['node2', 2],
    ]);
  });

  it("goes down ending only what it started: a user's process with its SLURM_CONF survives", () => {
    const mark = (
      JSON.parse(readFileSync(path.join(dir, 'cluster.json'), 'utf8')) as { mark: string }
    ).mark;
    // What `local up` told the user to export, in a process of the user's own (a shell's sleep).
    const user = spawn('sleep', ['300'], {
      env: { ...process.env, SLURM_CONF: conf, CLUSTER_TOOL_STATE_DIR: stateDir },
      detached: true,
      stdio: 'ignore',
    });
    user.unref();
    userPids.push(user.pid ?? -1);

    // A job whose steps would outlive slurmd under proctrack/linuxproc if down did not end them.
    const job = spawnSbatch(conf, dir);
    expect(job.id).toMatch(/^\d+$/);
    const cluster = {
      daemons: [
        'munge/munged.pid',
        'run/slurmctld.pid',
        'run/slurmd-node1.pid',
        'run/slurmd-node2.pid',
      ].map((f) => readPid(path.join(dir, f)) ?? -1),
      coordinator: (
        JSON.parse(readFileSync(path.join(stateDir, 'coordinator.json'), 'utf8')) as { pid: number }
      ).pid,
      steps: job.stepPids,
    };
    for (const pid of [...cluster.daemons, cluster.coordinator, ...cluster.steps])
      expect(isAlive(pid)).toBe(true);
    expect(markedProcesses(mark, dir).map((p) => p.pid)).toEqual(
      expect.arrayContaining(cluster.steps),
    );

    const down = runCli(['local', 'down', '--dir', dir]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('is down (1 job(s) cancelled)');
    expect(down.stderr).toContain('stopped the coordinator');
    for (const pid of [...cluster.daemons, cluster.coordinator, ...cluster.steps])
      expect(isAlive(pid), `pid ${pid} should be gone`).toBe(false);
    expect(markedProcesses(mark, dir)).toEqual([]);
    expect(isAlive(user.pid ?? -1)).toBe(true);
  });
});

/**
 * Submits, as a user pointing SLURM_CONF at the cluster would, a job with one step task per
 * node; each task also leaves an orphan behind (`setsid sleep`), which Slurm's process tracking
 * loses. Returns the job id and the pids of the tasks and of the orphans.
 */
function spawnSbatch(slurmConf: string, clusterDir: string): { id: string; stepPids: number[] } {
  const pids = path.join(clusterDir, 'step.pids');
  const id = execFileSync(
    'sbatch',
    [
      '--parsable',
      '--nodes=2',
      '--time=5',
      `--output=${path.join(clusterDir, 'job.out')}`,
      '--wrap',
      `srun sh -c '(setsid sleep 601 & echo $! >> ${pids}); echo $$ >> ${pids}; exec sleep 600'`,
    ],
    { encoding: 'utf8', env: { ...process.env, SLURM_CONF: slurmConf } },
  ).trim();
  execFileSync(
    'bash',
    [
      '-c',
      `for i in $(seq 50); do [ -f ${pids} ] && [ "$(wc -l < ${pids})" = 4 ] && exit 0; sleep 0.2; done; exit 1`,
    ],
    { env: { ...process.env, SLURM_CONF: slurmConf } },
  );
  return { id, stepPids: readFileSync(pids, 'utf8').trim().split('\n').map(Number) };
}
