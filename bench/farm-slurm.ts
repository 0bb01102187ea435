import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
// A seam into the coordinator (test/architecture allows it): the plain jobs get the same `--nice`
// for a priority as our allocations, from the one function that decides it.
import { niceOf } from '../src/coordinator/allocations/nice.js';
import { renderTemplate } from '../src/templates/render.js';
import type { BenchCluster } from './bench-cluster.js';
import { BenchError } from './errors.js';
import type { FarmJob, WorkSpan } from './farm-plan.js';
import { logTails, waitForJobsNamed } from './slurm-jobs.js';

const LEG = 'farm (plain Slurm)';

/** How a leg runs: task lengths, its time limit, and what follows the last submission. */
export interface FarmLegOptions {
  unitSeconds: number;
  timeoutMs: number;
  /**
   * Called once every job is submitted: lets the jobs start together and returns that instant
   * (ms), from which their completion counts.
   */
  release: (slurmJobs: number) => Promise<number>;
}

/** What one leg of the farm measured: each job's work, and the instant all could start. */
export interface FarmLegRun {
  submittedAt: number;
  /** Every task's run, by job name. */
  work: Map<string, WorkSpan[]>;
}

/**
 * Reads a farm job's log (`start|end NODE SLURM_JOB_ID MS` lines): one span per task. A node's
 * tasks run one after another, so each `end` closes the open `start` of its node and job.
 */
export function parseFarmLog(text: string): WorkSpan[] {
  const open = new Map<string, number>();
  const spans: WorkSpan[] = [];
  for (const line of text.split('\n')) {
    const m = /^(start|end) (\S+) (\d+) (\d+)$/.exec(line.trim());
    if (!m) continue;
    const [, what, node = '', job = '', ms = ''] = m;
    const key = `${node} ${job}`;
    if (what === 'start') open.set(key, Number(ms));
    else {
      const startedAt = open.get(key);
      if (startedAt === undefined) continue;
      open.delete(key);
      spans.push({ node, slurmJobId: Number(job), startedAt, endedAt: Number(ms) });
    }
  }
  return spans;
}

/**
 * The farm as plain Slurm: one sbatch per job, all submitted together, each on the nodes it asks
 * for with its tasks split statically, and `--nice` from its priority as our allocations get it.
 * Returns when every job has ended.
 */
export async function farmAsSlurmJobs(
  bench: BenchCluster,
  jobs: readonly FarmJob[],
  o: FarmLegOptions,
): Promise<FarmLegRun> {
  const dir = path.join(bench.cluster.dir, 'bench-farm');
  mkdirSync(dir, { recursive: true });
  const name = `ct-bench-farm-${Date.now()}`;
  const planned = jobs.map((job) => {
    const log = path.join(dir, `${name}-${job.name}.log`);
    const scriptPath = path.join(dir, `${name}-${job.name}.sbatch`);
    writeFileSync(
      scriptPath,
      renderTemplate('bench/templates/farm-job.sbatch.hbs', {
        nodes: job.nodes,
        log,
        seconds: job.units.map((u) => u * o.unitSeconds),
      }),
      { mode: 0o700 },
    );
    const args = [
      `--nodes=${job.nodes}`,
      `--ntasks=${job.nodes}`,
      '--gres=gpu:1',
      '--exclusive',
      '--time=60',
      `--nice=${niceOf(job.priority)}`,
      `--job-name=${name}`,
      `--output=${path.join(dir, `${name}-${job.name}.out`)}`,
    ];
    return { job, log, scriptPath, args };
  });
  for (const p of planned) await bench.client.sbatch({ scriptPath: p.scriptPath, args: p.args });
  const submittedAt = await o.release(planned.length);
  const states = await waitForJobsNamed(bench.client, name, { leg: LEG, timeoutMs: o.timeoutMs });
  const failed = states.filter((x) => x.state !== 'COMPLETED');
  if (failed.length)
    throw new BenchError(
      LEG,
      `Slurm jobs did not complete: ${failed.map((x) => `${x.jobId} ${x.state}`).join(', ')}`,
      logTails(dir, name),
    );
  const work = new Map<string, WorkSpan[]>();
  for (const p of planned) {
    const spans = existsSync(p.log) ? parseFarmLog(readFileSync(p.log, 'utf8')) : [];
    if (spans.length !== p.job.units.length)
      throw new BenchError(
        LEG,
        `job ${p.job.name}: ${spans.length} of ${p.job.units.length} tasks logged in ${p.log}`,
        logTails(dir, name),
      );
    work.set(p.job.name, spans);
  }
  return { submittedAt, work };
}
