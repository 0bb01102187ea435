import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { clusterProcesses } from '../../src/local/procs.js';
import { runCli } from '../helpers/cli.js';

// A second, small cluster with its own directory and ports, so this file can take it down.
const dir = mkdtempSync('/tmp/ct-life-');
const portBase = inject('clusterPortBase') + 100;
const conf = path.join(dir, 'etc', 'slurm.conf');
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

  it('starts, is idempotent, runs a job on every GPU, and goes down leaving no process behind', () => {
    const up = runCli(['local', 'up', ...shape]);
    expect(up.stderr + up.stdout).toContain('Local Slurm cluster up: 2 node(s) × 2 GPU(s)');
    expect(up.stdout).toContain(`export SLURM_CONF=${conf}`);
    const ctldPid = readFileSync(path.join(dir, 'run', 'slurmctld.pid'), 'utf8');

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

    // A job whose step would outlive slurmd under proctrack/linuxproc if down did not clean up.
    const env = { SLURM_CONF: conf };
    const submit = spawnSbatch(conf);
    expect(submit).toMatch(/^\d+$/);
    expect(clusterProcesses(conf).length).toBeGreaterThan(0);

    const down = runCli(['local', 'down', '--dir', dir], { env });
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('is down (1 job(s) cancelled)');
    expect(clusterProcesses(conf)).toEqual([]);
  });
});

function spawnSbatch(slurmConf: string): string {
  // The test drives sbatch directly, as a user pointing SLURM_CONF at the cluster would.
  const id = execFileSync(
    'sbatch',
    ['--parsable', '--nodes=2', '--time=5', '--wrap', 'srun sleep 600'],
    {
      encoding: 'utf8',
      env: { ...process.env, SLURM_CONF: slurmConf },
    },
  ).trim();
  execFileSync(
    'bash',
    [
      '-c',
      `for i in $(seq 50); do squeue -h -j ${id} -t R | grep -q . && exit 0; sleep 0.2; done; exit 1`,
    ],
    {
      env: { ...process.env, SLURM_CONF: slurmConf },
    },
  );
  return id;
}
