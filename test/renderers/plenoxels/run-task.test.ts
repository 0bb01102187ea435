import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../../src/errors.js';
import { runPlenoxelsTask } from '../../../src/renderers/plenoxels/run-task.js';
import { expandTaskFile } from '../../../src/renderers/plenoxels/task-file.js';

// test/doubles/svox2 holds opt.py and render_imgs.py doubles that check their arguments
const SVOX2 = path.resolve('test/doubles/svox2');

interface Call {
  program: string;
  argv: string[];
  gpu: string;
}

function setup(file: object): {
  tasks: ReturnType<typeof expandTaskFile>;
  dir: string;
  calls: () => Call[];
} {
  const dir = mkdtempSync(path.join(tmpdir(), 'plenoxels-run-'));
  for (const scene of ['lego', 'mic'])
    mkdirSync(path.join(dir, 'data', scene), { recursive: true });
  const tasks = expandTaskFile(
    JSON.stringify({ data_root: `${dir}/data`, train_root: `${dir}/ckpt`, ...file }),
  );
  const log = path.join(dir, 'calls.jsonl');
  // the doubles append one JSON line per call here; execa passes our environment on
  process.env.SVOX2_DOUBLE_LOG = log;
  const calls = (): Call[] =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Call)
      : [];
  return { tasks, dir, calls };
}

const opts = { svox2Dir: SVOX2, python: 'python3', gpu: 2 };

describe('runPlenoxelsTask against the svox2 doubles', () => {
  it('trains, evaluates and renders, then skips every step on a second run', async () => {
    const { tasks, calls } = setup({
      eval: true,
      render: true,
      variables: { scene: ['lego'] },
      tasks: [{ train_dir: '{scene}', data_dir: '{scene}', config: 'configs/syn.json' }],
    });
    const task = tasks[0];
    if (!task) throw new Error('no task');
    const first = await runPlenoxelsTask(task, { ...opts, env: { SVOX2_DOUBLE_PSNR: '30.5' } });
    expect(first.ran).toEqual(['train', 'eval', 'render']);
    expect(first.result).toMatchObject({ psnr: 30.5, ssim: 0.95, lpips: 0.05 });
    expect(first.result.minutes).toBeGreaterThan(1);
    expect(first.result.evalStats.at(-1)?.psnr).toBe(30.5);
    expect(first.result.videos.map((v) => path.basename(v))).toEqual([
      'test_renders.mp4',
      'test_renders_path.mp4',
    ]);
    expect(calls().map((c) => [c.program, c.gpu])).toEqual([
      ['opt.py', '2'],
      ['render_imgs.py', '2'],
      ['render_imgs.py', '2'],
    ]);
    expect(calls()[0]?.argv).toEqual(task.steps[0]?.argv.slice(2));

    const lines: string[] = [];
    const second = await runPlenoxelsTask(task, { ...opts, log: (l) => lines.push(l) });
    expect(second).toMatchObject({ ran: [], skipped: ['train', 'eval', 'render'] });
    expect(calls()).toHaveLength(3);
    expect(lines[0]).toMatch(/^skip train of lego: .*ckpt\.npz exists$/);
  });

  it('in tuning mode writes test_psnr.txt from the eval stats and then skips the task', async () => {
    const { tasks, calls } = setup({
      variables: { lr: 'lin(10, 20, 2)' },
      tasks: [{ train_dir: 'lr{lr}', data_dir: 'lego', flags: ['--lr_sigma', '{lr}'] }],
    });
    const task = tasks[1];
    if (!task) throw new Error('no task');
    expect(task.id).toBe('lr20.0');
    const first = await runPlenoxelsTask(task, { ...opts, env: { SVOX2_DOUBLE_PSNR: '27.0' } });
    expect(readFileSync(task.skipWhen, 'utf8')).toBe('27.0');
    expect(first.result.tunePsnr).toBe(27);
    expect(existsSync(path.join(task.trainDir, 'ckpt.npz'))).toBe(false);
    const second = await runPlenoxelsTask(task, opts);
    expect(second.skipped).toEqual(['train']);
    expect(calls()).toHaveLength(1);
  });

  it('throws when a step fails, so the task can be retried, and resumes on the retry', async () => {
    const { tasks, dir } = setup({ eval: true, tasks: [{ train_dir: 'x', data_dir: 'mic' }] });
    const task = tasks[0];
    if (!task) throw new Error('no task');
    const env = { SVOX2_DOUBLE_FAIL_ONCE: path.join(dir, 'failed-once') };
    await expect(runPlenoxelsTask(task, { ...opts, env })).rejects.toThrow(CommandError);
    const retry = await runPlenoxelsTask(task, { ...opts, env });
    expect(retry.ran).toEqual(['train', 'eval']);
  });

  it('fails loudly on a flag opt.py does not know', async () => {
    const { tasks } = setup({
      tasks: [{ train_dir: 'x', data_dir: 'mic', flags: ['--no_such_flag'] }],
    });
    const task = tasks[0];
    if (!task) throw new Error('no task');
    await expect(runPlenoxelsTask(task, opts)).rejects.toThrow(
      /unrecognized arguments: --no_such_flag/,
    );
  });
});
