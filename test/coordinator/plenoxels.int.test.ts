import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail, JobEvent, TaskView } from '../../src/api/types.js';
import { expandTaskFile } from '../../src/renderers/plenoxels/index.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-plenoxels-');
const SVOX2 = path.resolve('test/doubles/svox2');
const callLog = path.join(root, 'svox2-calls.jsonl');
let coord: CoordinatorProcess;

interface Call {
  program: string;
  argv: string[];
  cwd: string;
  gpu: string;
}

const calls = (): Call[] =>
  existsSync(callLog)
    ? readFileSync(callLog, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Call)
    : [];

beforeAll(async () => {
  for (const scene of ['lego', 'mic', 'ship'])
    mkdirSync(path.join(root, 'data', scene), { recursive: true });
  // The doubles read these; sbatch and srun hand the coordinator's environment to the agents.
  process.env.SVOX2_DOUBLE_LOG = callLog;
  process.env.SVOX2_DOUBLE_FAIL_ONCE = path.join(root, 'failed-once');
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
});

afterAll(async () => {
  delete process.env.SVOX2_DOUBLE_LOG;
  delete process.env.SVOX2_DOUBLE_FAIL_ONCE;
  await cleanUp(slurm, root, coord);
});

const cli = (args: string[]) => runCli([...args, '--state-dir', coord.stateDir]);

function taskFile(name: string, body: object): string {
  const file = path.join(root, name);
  writeFileSync(
    file,
    JSON.stringify(
      { data_root: path.join(root, 'data'), train_root: path.join(root, 'ckpt', name), ...body },
      null,
      2,
    ),
  );
  return file;
}

// 2 scenes x 4 lr_sigma x 2 delays = 16 tasks: one per GPU of 4 nodes x 4 GPUs
const sweep = {
  eval: true,
  render: true,
  variables: {
    scene: ['lego', 'mic'],
    lr_sigma: 'loglin(5e0, 2e2, 4)',
    lr_sigma_delay_steps: [25000, 40000],
  },
  tasks: [
    {
      train_dir: '{scene}/lrs{lr_sigma}_del{lr_sigma_delay_steps}',
      data_dir: '{scene}',
      config: 'configs/syn.json',
      flags: [
        '--lr_sigma',
        '{lr_sigma}',
        '--lr_sigma_delay_steps {lr_sigma_delay_steps}',
        '--max_grid_elements',
        '28000000',
      ],
    },
  ],
};

describe('Plenoxels sweeps on the local cluster', () => {
  it('lists with --dry-run --json exactly the tasks autotune would run for a real task file, with full command lines, submitting nothing', async () => {
    const sanity = JSON.parse(
      readFileSync('test/fixtures/plenoxels/sanity.json', 'utf8'),
    ) as object;
    const file = taskFile('sanity.json', { ...sanity, data_root: path.join(root, 'data', 'ship') });
    const before = (await coord.api<unknown[]>('GET', '/api/jobs')).length;
    const r = cli([
      'submit',
      'plenoxels',
      file,
      '--svox2',
      SVOX2,
      '--nodes',
      '4',
      '--dry-run',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as {
      tasks: { task: string; cwd: string; steps: { name: string; argv: string[] }[] }[];
      warnings: string[];
    };
    const expected = expandTaskFile(readFileSync(file, 'utf8'));
    expect(expected).toHaveLength(120);
    expect(plan.tasks.map((t) => t.task)).toEqual(expected.map((t) => t.id));
    expect(plan.tasks.map((t) => t.steps.map((s) => s.argv))).toEqual(
      expected.map((t) => t.steps.map((s) => ['python3', ...s.argv.slice(1)])),
    );
    expect(plan.tasks[0]?.cwd).toBe(SVOX2);
    // sanity.json sets no grid cap, and the default GPU is a 16 GB V100
    expect(plan.warnings.join('\n')).toMatch(/max_grid_elements 44000000 .*16 GB/);
    expect((await coord.api<unknown[]>('GET', '/api/jobs')).length).toBe(before);
  });

  it('runs a 16-task sweep across 4 nodes x 4 GPUs, retries the task that fails once, and writes the leaderboard best first', async () => {
    const file = taskFile('sweep.json', sweep);
    const r = cli(['submit', 'plenoxels', file, '--svox2', SVOX2, '--nodes', '4']);
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    const done = await coord.waitFor(id, ended);
    expect(done.state).toBe('succeeded');
    expect(done.events.some((e) => e.type === 'job:warning')).toBe(false);
    const { tasks } = await coord.api<{ tasks: TaskView[] }>('GET', `/api/jobs/${id}/tasks`);
    expect(tasks).toHaveLength(16);
    expect(tasks.every((t) => t.state === 'done')).toBe(true);
    expect(new Set(tasks.map((t) => t.node)).size).toBe(4);
    // `attempts` counts failed attempts; the retry ran on another agent
    const retried = tasks.filter((t) => t.attempts === 1);
    expect(retried.length).toBeGreaterThanOrEqual(1);
    for (const t of retried) {
      const failed = done.events.find(
        (e): e is Extract<JobEvent, { type: 'task:failed' }> =>
          e.type === 'task:failed' && e.data.taskId === t.id,
      );
      expect(failed?.data.agentId).toBeTruthy();
      expect(failed?.data.agentId).not.toBe(t.agentId);
    }
    expect(
      done.events.some(
        (e) => e.type === 'task:failed' && /failing once|exited with 3/.test(e.message),
      ),
    ).toBe(true);
    // every step ran from svox2's dir on the GPU the agent was given
    const trains = calls().filter((c) => c.program === 'opt.py');
    expect(trains.length).toBeGreaterThanOrEqual(16);
    for (const c of calls()) {
      expect(c.cwd).toBe(SVOX2);
      expect(c.gpu).toMatch(/^[0-3]$/);
    }
    expect(
      calls().filter((c) => c.program === 'render_imgs.py' && c.argv.includes('--render_path')),
    ).toHaveLength(16);

    const results = done.results ?? [];
    expect(results).toHaveLength(16);
    const psnrs = results.map((x) => x.psnr ?? -1);
    expect(psnrs).toEqual([...psnrs].sort((a, b) => b - a));
    for (const row of results) {
      expect(row.ssim).not.toBeNull();
      expect(row.lpips).not.toBeNull();
      expect(row.minutes).toBeGreaterThan(1);
      expect(row.gpu).toMatch(/^node[1-4]:[0-3]$/);
      expect(Object.keys(row.variables).sort()).toEqual([
        'lr_sigma',
        'lr_sigma_delay_steps',
        'scene',
      ]);
    }
    const tsv = readFileSync(path.join(done.dir, 'leaderboard.tsv'), 'utf8').trim().split('\n');
    expect(tsv[0]).toBe('rank\ttask\tvariables\tpsnr\tssim\tlpips\tminutes\tgpu');
    expect(tsv.slice(1).map((l) => l.split('\t')[1])).toEqual(results.map((x) => x.task));
    const json = JSON.parse(readFileSync(path.join(done.dir, 'leaderboard.json'), 'utf8')) as {
      rows: { task: string; psnr: number }[];
    };
    expect(json.rows.map((x) => x.task)).toEqual(results.map((x) => x.task));

    const status = cli(['status', id]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/results \(best first\)/);
    expect(status.stdout).toContain(results[0]?.task ?? '?');
  });

  it('resumes a re-submitted sweep without redoing finished tasks', async () => {
    const file = path.join(root, 'sweep.json');
    const before = calls().length;
    const r = cli(['submit', 'plenoxels', file, '--svox2', SVOX2, '--nodes', '2']);
    expect(r.code).toBe(0);
    const done = await coord.waitFor(r.stdout.trim(), ended);
    expect(done.state).toBe('succeeded');
    expect(calls().length).toBe(before);
    const { tasks } = await coord.api<{ tasks: (TaskView & { result?: unknown })[] }>(
      'GET',
      `/api/jobs/${done.id}/tasks`,
    );
    expect(tasks).toHaveLength(16);
    expect(done.results?.every((x) => x.psnr !== null)).toBe(true);
    expect(existsSync(path.join(done.dir, 'leaderboard.tsv'))).toBe(true);
  });

  it('refuses bad input with a clear error and creates no job', async () => {
    const jobs = async () => (await coord.api<JobDetail[]>('GET', '/api/jobs')).length;
    const before = await jobs();
    const notJson = path.join(root, 'not.json');
    writeFileSync(notJson, '{"data_root": ');
    const cases: [string, RegExp][] = [
      [notJson, /not\.json/],
      [taskFile('novar.json', { tasks: [{ train_dir: '{nope}', data_dir: 'lego' }] }), /nope/],
      [
        taskFile('badgen.json', {
          variables: { x: 'logsin(1, 2, 3)' },
          tasks: [{ train_dir: '{x}', data_dir: 'lego' }],
        }),
        /logsin|linspace|loglin|randlin/,
      ],
      [
        taskFile('nodata.json', { tasks: [{ train_dir: 'a', data_dir: 'missing-scene' }] }),
        /data directory .*missing-scene does not exist/,
      ],
    ];
    for (const [file, message] of cases) {
      const r = cli(['submit', 'plenoxels', file, '--svox2', SVOX2]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const noSvox2 = cli([
      'submit',
      'plenoxels',
      path.join(root, 'sweep.json'),
      '--svox2',
      path.join(root, 'data'),
    ]);
    expect(noSvox2.code).toBe(2);
    expect(noSvox2.stderr).toMatch(/no opt\.py/);
    expect(await jobs()).toBe(before);
  });
});
