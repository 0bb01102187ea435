import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess } from '../helpers/coordinator.js';

// `setup svox2` on the local cluster, with the svox2 test double as the checkout: one command
// task on a GPU builds the virtualenv into the state directory, then a sweep uses it unasked.
const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-svox2-setup-');
let coord: CoordinatorProcess;

beforeAll(async () => {
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

const cli = (args: string[]) =>
  runCli([...args, '--state-dir', coord.stateDir], { timeoutMs: 300_000 });

describe('setup svox2', () => {
  it('builds the svox2 environment on a GPU node, and submit plenoxels then uses it', () => {
    const tarball = path.join(root, 'svox2.tar');
    spawnSync('tar', ['-cf', tarball, '--exclude=__pycache__', '-C', 'test/doubles', 'svox2']);
    const r = cli(['setup', 'svox2', '--source', tarball, '--wait']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const envFile = path.join(coord.stateDir, 'svox2', 'environment.json');
    expect(existsSync(envFile)).toBe(true);
    const env = JSON.parse(readFileSync(envFile, 'utf8')) as {
      python: string;
      svox2Dir: string;
      node: string;
    };
    expect(env.python).toBe(path.join(coord.stateDir, 'svox2', 'venv', 'bin', 'python'));
    expect(env.node).toMatch(/^node\d$/);
    expect(
      spawnSync(env.python, ['-c', 'import svox2; print(svox2.__version__)'], { encoding: 'utf8' })
        .stdout,
    ).toBe('0.0.1+double\n');

    const tasks = path.join(root, 'sweep.json');
    writeFileSync(
      tasks,
      JSON.stringify({
        data_root: root,
        train_root: path.join(root, 'ckpt'),
        tasks: [{ train_dir: 'a', flags: [] }],
      }),
    );
    const plan = cli(['submit', 'plenoxels', tasks, '--dry-run', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const p = JSON.parse(plan.stdout) as { tasks: { cwd: string; steps: { argv: string[] }[] }[] };
    expect(p.tasks[0]?.steps[0]?.argv[0]).toBe(env.python);
    expect(p.tasks[0]?.cwd).toBe(path.join(env.svox2Dir));
  });
});
