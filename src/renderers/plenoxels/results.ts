import { existsSync, readFileSync } from 'node:fs';
import { pyJoin } from './format.js';
import { trainFiles } from './steps.js';

/** One `eval stats: {...}` line opt.py prints after each evaluation. */
export type EvalStats = Record<string, number>;

/** What a finished train_dir holds, in numbers. Missing files leave fields undefined. */
export interface PlenoxelsResult {
  /** The best PSNR we know: test_renders/psnr.txt, else test_psnr.txt, else the last eval stats. */
  psnr?: number;
  ssim?: number;
  lpips?: number;
  /** Training time in minutes (the last line of time_mins.txt, which opt.py appends to). */
  minutes?: number;
  /** The PSNR autotune wrote to test_psnr.txt in tuning mode. */
  tunePsnr?: number;
  evalStats: EvalStats[];
  /** Videos render_imgs.py wrote (absolute paths). */
  videos: string[];
}

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan)`;
const ENTRY = new RegExp(String.raw`'([^']*)'\s*:\s*(${NUMBER})`, 'g');

function pyNumber(text: string): number {
  const t = text.trim().toLowerCase();
  if (t.endsWith('nan')) return NaN;
  if (t.endsWith('inf')) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

/**
 * Parses the `eval stats: {'psnr': 25.1, 'mse': 0.003}` lines of opt.py's output (the lines
 * autotune.py reads). The dict is read with a pattern, never evaluated.
 */
export function parseEvalStats(output: string): EvalStats[] {
  const stats: EvalStats[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('eval stats: ')) continue;
    const entry: EvalStats = {};
    for (const m of line.matchAll(ENTRY)) entry[m[1] ?? ''] = pyNumber(m[2] ?? '');
    stats.push(entry);
  }
  return stats;
}

/** The PSNR autotune.py takes from eval stats: the last one, or 0.0 when there is none. */
export function finalPsnr(stats: readonly EvalStats[]): number {
  const psnrs = stats.flatMap((s) => (s.psnr === undefined ? [] : [s.psnr]));
  return psnrs.at(-1) ?? 0;
}

/** Reads a one-number file as Python's float(f.read()) would, or the last line of a log. */
export function readNumberFile(
  file: string,
  opts: { lastLine?: boolean } = {},
): number | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const value = pyNumber((opts.lastLine ? lines.at(-1) : text) ?? '');
  return Number.isNaN(value) && !/nan/i.test(text) ? undefined : value;
}

/** Collects the metrics and videos of a train_dir after its steps ran. */
export function collectResult(trainDir: string): PlenoxelsResult {
  const at = (f: string): string => pyJoin(trainDir, f);
  const logFile = at(trainFiles.log);
  const evalStats = existsSync(logFile) ? parseEvalStats(readFileSync(logFile, 'utf8')) : [];
  const testPsnr = readNumberFile(at(trainFiles.testPsnr));
  const tunePsnr = readNumberFile(at(trainFiles.tunePsnr));
  const lastStats = evalStats.length ? finalPsnr(evalStats) : undefined;
  const result: PlenoxelsResult = {
    psnr: testPsnr ?? tunePsnr ?? lastStats,
    ssim: readNumberFile(at(trainFiles.ssim)),
    lpips: readNumberFile(at(trainFiles.lpips)),
    minutes: readNumberFile(at(trainFiles.minutes), { lastLine: true }),
    tunePsnr,
    evalStats,
    videos: [trainFiles.testVideo, trainFiles.pathVideo].map(at).filter((f) => existsSync(f)),
  };
  return result;
}
