import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobDetail } from '../src/api/types.js';
import { startCoordinator } from '../src/coordinator/service.js';
import { apiOf } from './api.js';
import type { BenchContext } from './context.js';
import { BenchError } from './errors.js';
import { logTails } from './slurm-jobs.js';

/**
 * The chunking bench: many short frames as one OpenJD job, once with a task per frame and once
 * with the frames as a TASK_CHUNKING CHUNK[INT] parameter (a task per chunk), on the same slots
 * one after the other. What chunking saves is the per-task cost (lease, session, process start).
 */

/** The shape of the chunking bench's work. */
export interface ChunkingShape {
  frames: number;
  chunkSize: number;
  /** Seconds of work per frame (a sleep: the per-frame command is cheap on purpose). */
  frameSeconds: number;
}

/** One leg's outcome. */
export interface ChunkingLeg {
  tasks: number;
  /** Submission to the job's end, by the coordinator's clock. */
  makespanSeconds: number;
}

/** The chunking bench's outcome. */
export interface ChunkingResult {
  shape: ChunkingShape;
  slots: number;
  perFrame: ChunkingLeg;
  chunked: ChunkingLeg;
  /** Every frame written exactly once in both legs. */
  eachOnce: boolean;
}

export const CHUNKING_SHAPE: ChunkingShape = { frames: 240, chunkSize: 12, frameSeconds: 0.05 };

const TIMEOUT_MS = 20 * 60_000;

/** The bench's template: a Frame parameter, per frame (INT) or chunked (CHUNK[INT]). */
export function chunkingTemplate(s: ChunkingShape, out: string, chunked: boolean): unknown {
  const frame = chunked
    ? {
        name: 'Frame',
        type: 'CHUNK[INT]',
        range: `1-${s.frames}`,
        chunks: { defaultTaskCount: s.chunkSize, rangeConstraint: 'CONTIGUOUS' },
      }
    : { name: 'Frame', type: 'INT', range: `1-${s.frames}` };
  // Each frame appends a line to its own file, so a frame done twice shows as two lines.
  const script = [
    'set -eu',
    'mkdir -p "$2"',
    'for r in $(echo "$1" | tr , " "); do',
    '  a=${r%%-*}; b=${r#*-}',
    '  for f in $(seq "$a" "$b"); do',
    `    sleep ${s.frameSeconds}; echo done >> "$2/frame_$f.txt"`,
    '  done',
    'done',
  ].join('\n');
  return {
    specificationVersion: 'jobtemplate-2023-09',
    ...(chunked ? { extensions: ['TASK_CHUNKING'] } : {}),
    name: chunked ? 'bench-chunked' : 'bench-per-frame',
    steps: [
      {
        name: 'Frames',
        parameterSpace: { taskParameterDefinitions: [frame] },
        script: {
          actions: {
            onRun: { command: 'bash', args: ['-c', script, 'frames', '{{Task.Param.Frame}}', out] },
          },
        },
      },
    ],
  };
}

/** Whether each of the frames left exactly one line in `dir`. */
function eachFrameOnce(dir: string, frames: number): boolean {
  const files = readdirSync(dir).filter((f) => /^frame_\d+\.txt$/.test(f));
  if (files.length !== frames) return false;
  return files.every((f) => readFileSync(path.join(dir, f), 'utf8') === 'done\n');
}

/** The ratio of the per-frame leg's makespan to the chunked leg's, and the per-task cost it implies. */
export function chunkingSummary(r: Pick<ChunkingResult, 'perFrame' | 'chunked' | 'slots'>): {
  ratio: number;
  /** Seconds each task beyond the chunked leg's cost, per slot: the saving spread over tasks. */
  perTaskSeconds: number;
} {
  const saved = r.perFrame.makespanSeconds - r.chunked.makespanSeconds;
  const fewer = r.perFrame.tasks - r.chunked.tasks;
  return {
    ratio: r.perFrame.makespanSeconds / r.chunked.makespanSeconds,
    perTaskSeconds: fewer > 0 ? (saved * r.slots) / fewer : 0,
  };
}

/** Runs the frames as one job on every slot (the in-process coordinator), waits for its end. */
async function runLeg(
  api: ReturnType<typeof apiOf>,
  ctx: BenchContext,
  s: ChunkingShape,
  chunked: boolean,
  out: string,
): Promise<ChunkingLeg> {
  const leg = chunked ? 'chunking (chunked)' : 'chunking (per frame)';
  const job = await api<JobDetail>('POST', '/api/jobs', {
    kind: 'openjd',
    template: chunkingTemplate(s, out, chunked),
    templatePath: `bench ${leg}`,
    parameters: {},
    nodes: ctx.slots,
    gpusPerNode: 1,
    name: `bench-${chunked ? 'chunked' : 'per-frame'}`,
  });
  let detail = job;
  const deadline = Date.now() + TIMEOUT_MS;
  // A slow poll on purpose: every request takes CPU from the slots being measured.
  while (detail.state === 'queued' || detail.state === 'running') {
    if (Date.now() > deadline) {
      await api('POST', `/api/jobs/${job.id}/cancel`).catch(() => undefined);
      throw new BenchError(leg, `job ${job.id} did not finish in time; cancelled it`);
    }
    await sleep(1_000);
    detail = await api<JobDetail>('GET', `/api/jobs/${job.id}`);
  }
  if (detail.state !== 'succeeded' || detail.finishedAt === null)
    throw new BenchError(
      leg,
      `job ${job.id} ${detail.state}: ${detail.error ?? ''}`,
      logTails(path.join(job.dir, 'logs'), 'agent-'),
    );
  return {
    tasks: detail.stages.reduce((n, st) => n + st.progress.total, 0),
    makespanSeconds: (detail.finishedAt - detail.createdAt) / 1000,
  };
}

/** The chunking bench: the per-frame leg, then the chunked one, on one coordinator. */
export async function benchChunking(
  ctx: BenchContext,
  s: ChunkingShape = CHUNKING_SHAPE,
): Promise<ChunkingResult> {
  const rc = await startCoordinator({
    stateDir: path.join(ctx.workDir, 'coordinator-chunking'),
    host: '127.0.0.1',
    port: 0,
    slurmConf: ctx.bench.cluster.layout.slurmConf,
    partition: 'gpu',
    log: () => {},
  });
  const api = apiOf(rc);
  try {
    const outA = path.join(ctx.workDir, 'chunking-per-frame');
    const outB = path.join(ctx.workDir, 'chunking-chunked');
    ctx.log(`chunking: ${s.frames} frames, a task per frame`);
    const perFrame = await runLeg(api, ctx, s, false, outA);
    ctx.log(
      `chunking: per frame ${perFrame.makespanSeconds.toFixed(1)} s; now chunks of ${s.chunkSize}`,
    );
    const chunked = await runLeg(api, ctx, s, true, outB);
    ctx.log(`chunking: chunked ${chunked.makespanSeconds.toFixed(1)} s`);
    const eachOnce = eachFrameOnce(outA, s.frames) && eachFrameOnce(outB, s.frames);
    return { shape: s, slots: ctx.slots, perFrame, chunked, eachOnce };
  } finally {
    await rc.close();
  }
}

/** The chunking section of the report. */
export function formatChunking(r: ChunkingResult): string {
  const s = r.shape;
  const sum = chunkingSummary(r);
  const secs = (v: number) => `${v.toFixed(1).padStart(8)} s`;
  return [
    `${s.frames} short frames (${s.frameSeconds} s of work each) on ${r.slots} slot(s), one OpenJD job each way`,
    `  a task per frame (${r.perFrame.tasks} tasks)              ${secs(r.perFrame.makespanSeconds)}`,
    `  TASK_CHUNKING, chunks of ${s.chunkSize} (${r.chunked.tasks} tasks)     ${secs(r.chunked.makespanSeconds)}`,
    `  makespan ratio (per frame / chunked)             ${sum.ratio.toFixed(2).padStart(8)}x`,
    `  per-task cost implied (slot-seconds a task)      ${sum.perTaskSeconds.toFixed(3).padStart(8)} s`,
    `  every frame done exactly once: ${r.eachOnce ? 'yes' : 'NO'}`,
  ].join('\n');
}
