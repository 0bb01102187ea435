import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobDetail } from '../src/api/types.js';
import { startCoordinator } from '../src/coordinator/service.js';
import { packagePath } from '../src/paths.js';
import { apiOf } from './api.js';
import type { BenchContext } from './context.js';
import { BenchError } from './errors.js';
import { dnnAsSlurmChain } from './pipeline-slurm.js';
import { dnnLayerTemplate, type DnnShape } from './pipeline-template.js';
import { logTails } from './slurm-jobs.js';

/** The pipeline bench's outcome: the same DNN run both ways, and whether they agree. */
export interface PipelineResult {
  shape: DnnShape;
  /** Submission to the categories written, by our coordinator (one job, a stage per layer). */
  oursSeconds: number;
  /** The same for the chain of Slurm jobs (one per layer, afterok). */
  slurmSeconds: number;
  slurmJobs: number;
  /** The final activations' digest and category count agree (stats.json of both runs). */
  sameAnswer: boolean;
  categories: number;
}

const SCRIPT = () => packagePath('examples', 'openjd', 'sparse-dnn', 'scripts', 'dnn.py');
const TIMEOUT_MS = 30 * 60_000;

/** When a run's answer was written (stats.json, the last thing it writes), in ms. */
function answeredAt(leg: string, work: string, tails: string[] = []): number {
  const stats = path.join(work, 'stats.json');
  if (!existsSync(stats)) throw new BenchError(leg, `no ${stats}: the run gave no answer`, tails);
  return statSync(stats).mtimeMs;
}

/** Our leg: an in-process coordinator runs the layer-per-step template on every slot. */
async function dnnWithCoordinator(ctx: BenchContext, s: DnnShape, work: string): Promise<number> {
  const leg = 'pipeline (ours)';
  const rc = await startCoordinator({
    stateDir: path.join(ctx.workDir, 'coordinator-pipeline'),
    host: '127.0.0.1',
    port: 0,
    slurmConf: ctx.bench.cluster.layout.slurmConf,
    partition: 'gpu',
    log: () => {},
  });
  const api = apiOf(rc);
  try {
    const submittedAt = Date.now();
    const job = await api<JobDetail>('POST', '/api/jobs', {
      kind: 'openjd',
      template: dnnLayerTemplate(s, work),
      templatePath: 'bench sparse DNN',
      parameters: { Script: SCRIPT() },
      nodes: ctx.slots,
      gpusPerNode: 1,
      name: 'bench-pipeline',
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
    const tails = logTails(path.join(job.dir, 'logs'), 'agent-');
    if (detail.state !== 'succeeded')
      throw new BenchError(leg, `job ${job.id} ${detail.state}: ${detail.error ?? ''}`, tails);
    return (answeredAt(leg, work, tails) - submittedAt) / 1000;
  } finally {
    await rc.close();
  }
}

/**
 * The pipeline bench: the sparse DNN example, a stage per layer, run by our coordinator, then
 * the same steps as one Slurm job per layer chained with `--dependency=afterok`, on the same
 * slots one after the other; both must reach the same answer.
 */
export async function benchPipeline(ctx: BenchContext, s: DnnShape): Promise<PipelineResult> {
  const oursWork = path.join(ctx.workDir, 'dnn-ours');
  const chainWork = path.join(ctx.workDir, 'dnn-slurm');
  ctx.log(`pipeline: ours, ${s.layers + 2} stages of ${s.batches} task(s) at most`);
  const oursSeconds = await dnnWithCoordinator(ctx, s, oursWork);
  ctx.log(`pipeline: ours ${oursSeconds.toFixed(1)} s; now ${s.layers + 2} chained Slurm jobs`);
  const chain = await dnnAsSlurmChain(ctx.bench, s, {
    work: chainWork,
    script: SCRIPT(),
    python: 'python3',
    timeoutMs: TIMEOUT_MS,
  });
  const slurmSeconds = (answeredAt('pipeline (Slurm chain)', chainWork) - chain.submittedAt) / 1000;
  ctx.log(`pipeline: Slurm chain ${slurmSeconds.toFixed(1)} s`);
  const stats = (w: string) =>
    JSON.parse(readFileSync(path.join(w, 'stats.json'), 'utf8')) as {
      sha256: string;
      categories: number;
    };
  const a = stats(oursWork);
  const b = stats(chainWork);
  return {
    shape: s,
    oursSeconds,
    slurmSeconds,
    slurmJobs: chain.jobs,
    sameAnswer: a.sha256 === b.sha256 && a.categories === b.categories,
    categories: a.categories,
  };
}

/** The pipeline section of the report. */
export function formatPipeline(r: PipelineResult): string {
  const s = r.shape;
  return [
    `sparse DNN inference, ${s.neurons} neurons x ${s.layers} layers, ${s.inputs} inputs in ${s.batches} batches (a task per batch and layer)`,
    `  ours: one OpenJD job, a stage per layer          ${r.oursSeconds.toFixed(1).padStart(8)} s`,
    `  Slurm: ${r.slurmJobs} jobs chained with --dependency=afterok ${r.slurmSeconds.toFixed(1).padStart(8)} s`,
    `  ratio (Slurm chain / ours)                       ${(r.slurmSeconds / r.oursSeconds).toFixed(2).padStart(8)}x`,
    `  same answer (final activations' SHA-256, ${r.categories} categories): ${r.sameAnswer ? 'yes' : 'NO'}`,
  ].join('\n');
}
