import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { leaderboardJson, leaderboardTsv } from '../../../src/renderers/plenoxels/leaderboard.js';
import { writeLeaderboard } from '../../../src/renderers/plenoxels/leaderboard-write.js';
import {
  gridMemoryWarning,
  maxGridElementsFor,
  withGridCap,
} from '../../../src/renderers/plenoxels/memory.js';
import {
  collectResult,
  finalPsnr,
  parseEvalStats,
} from '../../../src/renderers/plenoxels/results.js';
import { expandTaskFile } from '../../../src/renderers/plenoxels/task-file.js';

describe('results', () => {
  it('reads eval stats lines the way autotune does, last PSNR wins, 0.0 when none', () => {
    const out =
      "Eval step\neval stats: {'psnr': 21.5, 'mse': 0.007}\nnoise eval stats: {'psnr': 99}\neval stats: {'psnr': 28.25, 'mse': 1.5e-03}\n";
    expect(parseEvalStats(out)).toEqual([
      { psnr: 21.5, mse: 0.007 },
      { psnr: 28.25, mse: 0.0015 },
    ]);
    expect(finalPsnr(parseEvalStats(out))).toBe(28.25);
    expect(finalPsnr(parseEvalStats('crash\n'))).toBe(0);
  });

  it('collects metric files, the last training time and the videos of a train dir', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'plenoxels-result-'));
    mkdirSync(path.join(dir, 'test_renders'));
    writeFileSync(path.join(dir, 'test_renders/psnr.txt'), '31.5');
    writeFileSync(path.join(dir, 'test_renders/ssim.txt'), '0.96');
    writeFileSync(path.join(dir, 'test_renders/lpips.txt'), '0.04');
    writeFileSync(path.join(dir, 'time_mins.txt'), '12.5\n11.25\n');
    writeFileSync(path.join(dir, 'log'), "eval stats: {'psnr': 30.0, 'mse': 0.001}\n");
    writeFileSync(path.join(dir, 'test_renders_path.mp4'), 'x');
    expect(collectResult(dir)).toEqual({
      psnr: 31.5,
      ssim: 0.96,
      lpips: 0.04,
      minutes: 11.25,
      tunePsnr: undefined,
      evalStats: [{ psnr: 30, mse: 0.001 }],
      videos: [path.join(dir, 'test_renders_path.mp4')],
    });
  });
});

describe('leaderboard', () => {
  const rows = [
    { task: 'a', variables: { lr: '0.1' }, psnr: 25, gpu: 'n1:0' },
    { task: 'b', variables: { lr: '0.2' } },
    {
      task: 'c\tx',
      variables: { lr: '0.3' },
      psnr: 30.5,
      ssim: 0.9,
      lpips: 0.1,
      minutes: 10,
      gpu: 'n2:3',
    },
  ];

  it('writes TSV best PSNR first, missing metrics as ERR and tabs flattened', () => {
    expect(leaderboardTsv(rows).split('\n')).toEqual([
      'rank\ttask\tvariables\tpsnr\tssim\tlpips\tminutes\tgpu',
      '1\tc x\tlr=0.3\t30.5000000000\t0.9000000000\t0.1000000000\t10.0000000000\tn2:3',
      '2\ta\tlr=0.1\t25.0000000000\tERR\tERR\tERR\tn1:0',
      '3\tb\tlr=0.2\tERR\tERR\tERR\tERR\t',
      '',
    ]);
  });

  it('writes JSON with the same order and nulls for missing metrics', () => {
    const parsed = JSON.parse(leaderboardJson(rows)) as {
      rows: { task: string; psnr: number | null }[];
    };
    expect(parsed.rows.map((r) => [r.task, r.psnr])).toEqual([
      ['c\tx', 30.5],
      ['a', 25],
      ['b', null],
    ]);
    const dir = mkdtempSync(path.join(tmpdir(), 'plenoxels-lb-'));
    const files = writeLeaderboard(dir, rows);
    expect(readFileSync(files.json, 'utf8')).toBe(leaderboardJson(rows));
  });
});

describe('16 GB grid warning', () => {
  const [task] = expandTaskFile(
    JSON.stringify({ data_root: '/d', train_root: '/t', tasks: [{ train_dir: 'x' }] }),
    { checkDataDirs: false },
  );
  if (!task) throw new Error('no task');

  it('warns when a 16 GB GPU would train with the default cap, and suggests one', () => {
    expect(maxGridElementsFor(16)).toBe(28_000_000);
    expect(gridMemoryWarning(task, { gpuMemoryGiB: 16 })).toMatch(
      /default --max_grid_elements 44000000 .* GPU has 16 GB.*"28000000"/,
    );
    expect(gridMemoryWarning(task, { gpuMemoryGiB: 24 })).toBeNull();
    expect(gridMemoryWarning(task, { gpuMemoryGiB: 16, configSetsCap: true })).toBeNull();
  });

  it('lets a preset set a lower cap, and then stays quiet', () => {
    const capped = withGridCap(task, 28_000_000);
    expect(capped.steps[0]?.argv.slice(-2)).toEqual(['--max_grid_elements', '28000000']);
    expect(gridMemoryWarning(capped, { gpuMemoryGiB: 16 })).toBeNull();
    expect(withGridCap(capped, 1).steps[0]?.argv).toEqual(capped.steps[0]?.argv);
  });
});
