import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../src/errors.js';
import type { LocalCluster } from '../src/local/cluster.js';
import { renderTemplate } from '../src/templates/render.js';
import { BenchError } from './errors.js';
import { lastFrameWrittenAt, logTails, waitForJobsNamed } from './slurm-jobs.js';

export { measureFrameCosts, type FrameCost, type FrameCostOptions } from './frame-costs.js';

/** One way of rendering the animation on the bench cluster's slots. */
export interface RenderWayOptions {
  cluster: LocalCluster;
  /** The .blend file (made absolute). */
  scene: string;
  /** Frames to render, sorted; the static split needs them consecutive. */
  frames: readonly number[];
  /** Slots to use: jobs (static split) or array tasks (job array) running at once. */
  slots: number;
  /** Where `frame_####.png` go; created if missing. Should start empty. */
  outDir: string;
  /** Blender binary; default `blender` on the compute nodes' PATH. */
  blender?: string;
  /** Slurm scripts and their output; default `<cluster dir>/bench-jobs`. */
  jobsDir?: string;
  /** Give up (and cancel the jobs) after this long; default 15 minutes. */
  timeoutMs?: number;
}

/** How long one way took. */
export interface RenderWayResult {
  /** From the first submission to the last frame file written. */
  makespanSeconds: number;
  /** Frames rendered (every one verified on disk). */
  frames: number;
  jobIds: number[];
}

// Each job or array task gets one whole node (one GPU, one core): slots never share a core.
const SLOT_ARGS = ['--nodes=1', '--ntasks=1', '--gres=gpu:1', '--exclusive', '--time=60'];

/** Splits `frames` into `slots` contiguous ranges whose lengths differ by at most one. */
export function splitContiguous(
  frames: readonly number[],
  slots: number,
): { start: number; end: number }[] {
  if (!Number.isInteger(slots) || slots < 1)
    throw new UsageError(`slots ${slots}: must be 1 or more`);
  frames.forEach((f, i) => {
    if (i > 0 && f !== (frames[i - 1] as number) + 1) {
      throw new UsageError(
        'the static split renders ranges with `-s A -e B -a`: give consecutive frames',
      );
    }
  });
  const ranges: { start: number; end: number }[] = [];
  const n = Math.min(slots, frames.length);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor(frames.length / n) + (i < frames.length % n ? 1 : 0);
    ranges.push({ start: frames[at] as number, end: frames[at + size - 1] as number });
    at += size;
  }
  return ranges;
}

function prepare(opts: RenderWayOptions, way: string) {
  if (opts.frames.length === 0) throw new UsageError('no frames to render');
  const jobsDir = opts.jobsDir ?? path.join(opts.cluster.dir, 'bench-jobs');
  mkdirSync(jobsDir, { recursive: true });
  mkdirSync(opts.outDir, { recursive: true });
  const name = `ct-bench-${way}-${Date.now()}`;
  const common = {
    blender: opts.blender ?? 'blender',
    scene: path.resolve(opts.scene),
    threads: 1,
    outputPattern: path.join(path.resolve(opts.outDir), 'frame_####'),
  };
  return { jobsDir, name, common, client: opts.cluster.client(30_000) };
}

async function finish(
  leg: string,
  opts: RenderWayOptions,
  p: ReturnType<typeof prepare>,
  submittedAt: number,
  jobIds: number[],
): Promise<RenderWayResult> {
  const timeoutMs = opts.timeoutMs ?? 15 * 60_000;
  const states = await waitForJobsNamed(p.client, p.name, { leg, timeoutMs });
  const tails = logTails(p.jobsDir, p.name);
  const failed = states.filter((s) => s.state !== 'COMPLETED');
  if (failed.length) {
    const list = failed.map((s) => `${s.jobId} ${s.state}`).join(', ');
    throw new BenchError(leg, `Slurm jobs did not complete: ${list}`, tails);
  }
  const last = lastFrameWrittenAt(leg, opts.outDir, opts.frames, tails);
  return { makespanSeconds: (last - submittedAt) / 1000, frames: opts.frames.length, jobIds };
}

/**
 * Renders the frames as a static split: one Slurm job per slot, each running one
 * `blender -b SCENE -t 1 -s A -e B -a` over its contiguous share of the frames.
 */
export async function renderStaticSplit(opts: RenderWayOptions): Promise<RenderWayResult> {
  const p = prepare(opts, 'static');
  const scripts = splitContiguous(opts.frames, opts.slots).map((r, i) => {
    const scriptPath = path.join(p.jobsDir, `${p.name}-${i}.sbatch`);
    writeFileSync(
      scriptPath,
      renderTemplate('bench/templates/static-split.sbatch.hbs', { ...p.common, ...r }),
      { mode: 0o700 },
    );
    return { scriptPath, output: path.join(p.jobsDir, `${p.name}-${i}.out`) };
  });
  const submittedAt = Date.now();
  const jobIds: number[] = [];
  for (const s of scripts) {
    const args = [...SLOT_ARGS, `--job-name=${p.name}`, `--output=${s.output}`];
    jobIds.push(await p.client.sbatch({ scriptPath: s.scriptPath, args }));
  }
  return finish('static split', opts, p, submittedAt, jobIds);
}

/**
 * Renders the frames as one Slurm job array with at most `slots` tasks at once
 * (`--array=0-N%slots`); each task starts its own Blender and renders one frame.
 */
export async function renderJobArray(opts: RenderWayOptions): Promise<RenderWayResult> {
  const p = prepare(opts, 'array');
  const scriptPath = path.join(p.jobsDir, `${p.name}.sbatch`);
  writeFileSync(
    scriptPath,
    renderTemplate('bench/templates/job-array.sbatch.hbs', {
      ...p.common,
      frames: opts.frames.map(String),
    }),
    { mode: 0o700 },
  );
  const args = [
    ...SLOT_ARGS,
    `--array=0-${opts.frames.length - 1}%${opts.slots}`,
    `--job-name=${p.name}`,
    `--output=${path.join(p.jobsDir, `${p.name}-%a.out`)}`,
  ];
  const submittedAt = Date.now();
  const jobId = await p.client.sbatch({ scriptPath, args });
  return finish('job array', opts, p, submittedAt, [jobId]);
}
