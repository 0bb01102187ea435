import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobDetail, TaskView } from '../src/api/types.js';
import { startCoordinator } from '../src/coordinator/service.js';
import { formatFrames } from '../src/renderers/blender/frames.js';
import { apiOf } from './api.js';
import { BenchError } from './errors.js';
import type { BenchContext } from './context.js';
import type { OursResult } from './report.js';
import { firstFrameWrittenAt, lastFrameWrittenAt, logTails } from './slurm-jobs.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

const LEG = 'ours';

/**
 * Per-agent timing taken from an agent's log: when it started (its first line), when its warm-up
 * began (the registration named the scene), when it leased its first task, and when its first
 * Blender was ready.
 */
export interface AgentLogTimes {
  file: string;
  startedAt: number | undefined;
  warmUpAt: number | undefined;
  firstLeaseAt: number | undefined;
  blenderReadyAt: number | undefined;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z) (.*)$/;

/** Reads the first `warming up`, `leased task` and `blender ready` times from an agent's log text. */
export function parseAgentLog(file: string, text: string): AgentLogTimes {
  let startedAt: number | undefined;
  let warmUpAt: number | undefined;
  let firstLeaseAt: number | undefined;
  let blenderReadyAt: number | undefined;
  for (const line of text.split('\n')) {
    const m = STAMP.exec(line);
    if (!m) continue;
    const at = Date.parse(m[1] as string);
    const msg = m[2] as string;
    startedAt ??= at;
    if (warmUpAt === undefined && msg.startsWith('warming up ')) warmUpAt = at;
    else if (firstLeaseAt === undefined && msg.startsWith('leased task ')) firstLeaseAt = at;
    else if (blenderReadyAt === undefined && msg.startsWith('blender ready')) blenderReadyAt = at;
  }
  return { file, startedAt, warmUpAt, firstLeaseAt, blenderReadyAt };
}

/** How long Blender took to start (from the warm-up, else the first lease) and how long the first task waited for it, s. */
export function blenderStart(t: AgentLogTimes): { own: number; waited: number } | undefined {
  if (t.firstLeaseAt === undefined || t.blenderReadyAt === undefined) return undefined;
  const from = t.warmUpAt ?? t.firstLeaseAt;
  return {
    own: (t.blenderReadyAt - from) / 1000,
    waited: Math.max(0, t.blenderReadyAt - t.firstLeaseAt) / 1000,
  };
}

/** What the render tasks of a job say about where the time went. */
export interface TaskAccounting {
  /** Σ Blender's own render seconds over every frame. */
  renderSeconds: number;
  /** Σ (finishedAt − startedAt) over the render tasks, seconds. */
  taskSeconds: number;
  /** One-time Blender starts inside the tasks' time (one per agent), seconds. */
  blenderStartSeconds: number;
  /** (taskSeconds − blenderStartSeconds − renderSeconds) / renderSeconds. */
  overheadFraction: number;
  frames: number;
  /** The costliest frame's render seconds. */
  longestFrameSeconds: number;
}

/**
 * Per-frame overhead beyond Blender's own render time: what leasing, reporting, thumbnails and the
 * protocol cost, with the one-time Blender start of each agent taken out.
 */
export function accountTasks(
  tasks: readonly TaskView[],
  blenderStarts: readonly number[],
): TaskAccounting {
  let renderSeconds = 0;
  let taskSeconds = 0;
  let frames = 0;
  let longestFrameSeconds = 0;
  for (const t of tasks) {
    if (t.state !== 'done' || t.startedAt === null || t.finishedAt === null) continue;
    taskSeconds += (t.finishedAt - t.startedAt) / 1000;
    for (const s of Object.values(t.frameSeconds)) {
      renderSeconds += s;
      longestFrameSeconds = Math.max(longestFrameSeconds, s);
      frames++;
    }
  }
  const blenderStartSeconds = blenderStarts.reduce((a, b) => a + b, 0);
  const overheadFraction =
    renderSeconds > 0 ? (taskSeconds - blenderStartSeconds - renderSeconds) / renderSeconds : NaN;
  return {
    renderSeconds,
    taskSeconds,
    blenderStartSeconds,
    overheadFraction,
    frames,
    longestFrameSeconds,
  };
}

function agentLogs(logDir: string): AgentLogTimes[] {
  if (!existsSync(logDir)) return [];
  return readdirSync(logDir)
    .filter((n) => /^agent-.*\.log$/.test(n))
    .map((n) => parseAgentLog(n, readFileSync(path.join(logDir, n), 'utf8')));
}

/**
 * The coordinator leg: a coordinator in this process against the bench cluster, the frames
 * submitted as one Blender job on `ctx.slots` nodes with one GPU (one agent) each. The makespan runs
 * from the submission to the last frame file; the encode stage that follows is not part of it.
 * Frames land in the job's own output directory (`outDir` is not used: the coordinator decides).
 */
export async function renderWithCoordinator(
  ctx: BenchContext,
  _outDir: string,
): Promise<OursResult> {
  const stateDir = path.join(ctx.workDir, 'coordinator-ours');
  const previousThreads = process.env.CT_BLENDER_THREADS;
  // The agents inherit this through sbatch: one Blender thread per slot, as the other ways use.
  process.env.CT_BLENDER_THREADS = '1';
  const rc = await startCoordinator({
    stateDir,
    host: '127.0.0.1',
    port: 0,
    slurmConf: ctx.bench.cluster.layout.slurmConf,
    partition: 'gpu',
    log: (l) => ctx.log(`coordinator: ${l}`),
  });
  const api = apiOf(rc);
  try {
    const submittedAt = Date.now();
    const job = await api<JobDetail>('POST', '/api/jobs', {
      kind: 'blender',
      scene: path.resolve(ctx.scene),
      frames: formatFrames(ctx.frames),
      nodes: ctx.slots,
      gpusPerNode: 1,
      name: 'bench-ours',
    });
    const logDir = path.join(job.dir, 'logs');
    const deadline = Date.now() + 15 * 60_000;
    let detail = job;
    // A slow poll on purpose: every request takes CPU from the slots being measured.
    while (detail.state === 'queued' || detail.state === 'running') {
      if (Date.now() > deadline) {
        await api('POST', `/api/jobs/${job.id}/cancel`).catch(() => undefined);
        throw new BenchError(LEG, `job ${job.id} did not finish within 15 minutes; cancelled it`);
      }
      await sleep(1_000);
      detail = await api<JobDetail>('GET', `/api/jobs/${job.id}`);
    }
    const finishedAt = detail.finishedAt ?? Date.now();
    const tails = [...logTails(logDir, 'agent-'), ...logTails(logDir, 'slurm-')];
    if (detail.state !== 'succeeded') {
      throw new BenchError(LEG, `job ${job.id} ${detail.state}: ${detail.error ?? ''}`, tails);
    }
    const lastFrameAt = lastFrameWrittenAt(LEG, detail.outputDir, ctx.frames, tails);
    const firstFrameAt = firstFrameWrittenAt(detail.outputDir, ctx.frames);
    const { tasks } = await api<{ tasks: TaskView[] }>(
      'GET',
      `/api/jobs/${job.id}/tasks?stage=render`,
    );

    const logs = agentLogs(logDir);
    const blender = logs.flatMap((l) => blenderStart(l) ?? []);
    // What the tasks' time holds of Blender's start: the part the first task waited.
    const starts = blender.map((b) => b.waited);
    if (starts.length !== ctx.slots) {
      throw new BenchError(
        LEG,
        `expected ${ctx.slots} agent logs with a first lease and a Blender start in ${logDir}, ` +
          `found ${starts.length}`,
        tails,
      );
    }
    const acc = accountTasks(tasks, starts);
    if (acc.frames !== ctx.frames.length) {
      throw new BenchError(
        LEG,
        `${acc.frames} frame times recorded for ${ctx.frames.length} frames`,
      );
    }

    // One-time costs, shown beside the per-frame overhead. The agents' own first lines, not
    // Slurm's start time, which has whole seconds only.
    const firstLease = Math.min(...tasks.map((t) => t.startedAt ?? Infinity));
    const agentStarts = logs.flatMap((l) => (l.startedAt === undefined ? [] : [l.startedAt]));
    const agentStart = agentStarts.length ? Math.min(...agentStarts) : undefined;
    const oneTime = {
      submitToAgentStartSeconds:
        agentStart === undefined ? undefined : (agentStart - submittedAt) / 1000,
      agentStartToFirstLeaseSeconds:
        agentStart === undefined ? undefined : (firstLease - agentStart) / 1000,
      blenderStartSeconds: mean(blender.map((b) => b.own)),
      blenderWaitSeconds: mean(starts),
      submitToFirstFrameSeconds: (firstFrameAt - submittedAt) / 1000,
    };
    return {
      makespanSeconds: (lastFrameAt - submittedAt) / 1000,
      overheadPerFrameSeconds:
        (acc.taskSeconds - acc.blenderStartSeconds - acc.renderSeconds) / acc.frames,
      renderSecondsTotal: acc.renderSeconds,
      longestFrameSeconds: acc.longestFrameSeconds,
      overheadFraction: acc.overheadFraction,
      oneTime,
      afterLastFrameSeconds: (finishedAt - lastFrameAt) / 1000,
    };
  } finally {
    await rc.close();
    if (previousThreads === undefined) delete process.env.CT_BLENDER_THREADS;
    else process.env.CT_BLENDER_THREADS = previousThreads;
  }
}
