import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchError } from '../errors.js';
import { ensureOpenFiles } from './fd-limit.js';
import { scaleSvg, writeSvgPng } from './plot.js';
import { benchScale, scaleSizes } from './scale-bench.js';
import { formatScale } from './scale-report.js';
import { measureSlurmParsing } from './slurm-scale.js';

/** How the scale section runs (the bench's flags). */
export interface ScaleSectionOptions {
  workDir: string;
  /** Where the report and its plot are written. */
  outDir: string;
  agents: readonly number[];
  history: readonly number[];
  samples: number;
  log: (line: string) => void;
}

const load1 = () => os.loadavg()[0] ?? NaN;

/**
 * The scale section: simulated agents against a coordinator process at each size, the Slurm
 * output of a 1,024-node cluster parsed, a table with how each figure grows, and the curves as
 * a PNG beside it (`scale.txt`, `scale.png`, `scale.json` in `outDir`). Returns the text.
 */
export async function runScaleSection(o: ScaleSectionOptions): Promise<string> {
  const most = Math.max(...o.agents);
  // Each long-poll holds a socket in the bench process and one in the coordinator's.
  const needed = most + 2_000;
  const limit = ensureOpenFiles(needed);
  if (limit < needed)
    throw new BenchError(
      'scale',
      `${most} agents need about ${needed} open files per process and this one may open ${limit}: run \`ulimit -n ${needed}\` first`,
    );
  const t0 = Date.now();
  const result = await benchScale({
    workDir: o.workDir,
    sizes: scaleSizes(o.agents, o.history),
    samples: o.samples,
    loadAverage: load1,
    log: o.log,
  });
  o.log('scale: parsing Slurm output of a 1,024-node cluster');
  const slurm = measureSlurmParsing();
  const text = formatScale(result, slurm);
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(path.join(o.outDir, 'scale.txt'), text + '\n');
  writeFileSync(path.join(o.outDir, 'scale.json'), JSON.stringify({ ...result, slurm }, null, 1));
  const note =
    `${os.cpus().length} cores; 1-min load average before each run: ${result.loadBefore.map((l) => l.toFixed(1)).join(', ')}; ` +
    `whole run ${Math.round((Date.now() - t0) / 1000)} s`;
  const png = path.join(o.outDir, 'scale.png');
  try {
    await writeSvgPng(scaleSvg(result, note), png);
  } catch (err) {
    writeFileSync(path.join(o.outDir, 'scale.svg'), scaleSvg(result, note));
    return `${text}\n\n(no PNG: ${(err as Error).message}; the SVG is in ${o.outDir})`;
  }
  return `${text}\n\nThe curves: ${png} (the table: scale.txt, every sample: scale.json)`;
}
