import type { BenchContext } from './context.js';
import {
  FARM_JOBS,
  FARM_TARGETS,
  freedNodeGaps,
  median,
  weightedMeanCompletion,
  type FarmJob,
  type FreedNodeGap,
  type HeldSpan,
  type JobCompletion,
  type WorkSpan,
} from './farm-plan.js';
import { farmWithCoordinator } from './farm-ours.js';
import { farmAsSlurmJobs, type FarmLegOptions, type FarmLegRun } from './farm-slurm.js';
import { holdNodes } from './slurm-hold.js';
import { seconds, verdict } from './report.js';
import { waitNodesIdle } from './slurm-jobs.js';
import { watchSlurmEnds } from './slurm-ends.js';
import { BenchError } from './errors.js';

/** What one leg of the farm came to. */
export interface FarmLegResult {
  completions: JobCompletion[];
  weightedMeanSeconds: number;
  /** From the submission to the last task of any job ending. */
  makespanSeconds: number;
  gaps: FreedNodeGap[];
  /** Share of the nodes' time from the submission to the makespan that tasks ran. */
  busyShare: number;
  /** What it was computed from, for farm.json: every task's run and every Slurm job's end. */
  work: (WorkSpan & { job: string })[];
  held: HeldSpan[];
}

export interface FarmResult {
  unitSeconds: number;
  jobs: readonly FarmJob[];
  ours: FarmLegResult;
  slurm: FarmLegResult;
}

/** Each job's completion from the leg's submission instant, its weighted mean and its gaps. */
export function farmLegResult(
  jobs: readonly FarmJob[],
  run: FarmLegRun,
  held: readonly HeldSpan[],
  leg: string,
): FarmLegResult {
  const completions = jobs.map((job) => {
    const spans = run.work.get(job.name) ?? [];
    if (spans.length !== job.units.length)
      throw new BenchError(
        leg,
        `job ${job.name}: ${spans.length} of ${job.units.length} tasks ran`,
      );
    const end = Math.max(...spans.map((s) => s.endedAt));
    return { name: job.name, priority: job.priority, seconds: (end - run.submittedAt) / 1000 };
  });
  const work = [...run.work].flatMap(([job, spans]) => spans.map((s) => ({ job, ...s })));
  const makespanSeconds = Math.max(...completions.map((c) => c.seconds));
  const nodes = new Set(work.map((w) => w.node)).size;
  const busy = work.reduce((s, w) => s + (w.endedAt - w.startedAt) / 1000, 0);
  return {
    completions,
    weightedMeanSeconds: weightedMeanCompletion(completions),
    makespanSeconds,
    gaps: freedNodeGaps(held, work),
    busyShare: busy / (Math.max(1, nodes) * makespanSeconds),
    work,
    held: [...held],
  };
}

/**
 * Runs one leg with every Slurm job's end followed: its jobs are submitted while a hold keeps
 * every node, and start together when it ends. Waits for the nodes to be idle again.
 */
async function measuredLeg(
  ctx: BenchContext,
  leg: string,
  run: (release: FarmLegOptions['release']) => Promise<FarmLegRun>,
): Promise<{ run: FarmLegRun; held: HeldSpan[] }> {
  const client = ctx.bench.client;
  await waitNodesIdle(client, leg);
  const watch = watchSlurmEnds(client);
  try {
    await watch.ready;
    const hold = await holdNodes(client, ctx.bench.options.nodes, leg);
    try {
      const r = await run((pending) => hold.release(pending));
      await waitNodesIdle(client, leg);
      return { run: r, held: await watch.stop() };
    } finally {
      await hold.cancel();
    }
  } finally {
    // Its polling would otherwise outlive a failed leg, and the cluster.
    await watch.close();
  }
}

/**
 * The farm bench: twelve jobs of uneven lengths at three priorities submitted together (queued
 * behind a hold, so that none starts before the others are there), first to our coordinator,
 * then as plain Slurm jobs with `--nice`, on the same nodes one after the other.
 */
export async function benchFarm(
  ctx: BenchContext,
  o: { unitSeconds: number; jobs?: readonly FarmJob[]; timeoutMs?: number },
): Promise<FarmResult> {
  const jobs = o.jobs ?? FARM_JOBS;
  const opts = { unitSeconds: o.unitSeconds, timeoutMs: o.timeoutMs ?? 15 * 60_000 };
  const leg = (release: FarmLegOptions['release']): FarmLegOptions => ({ ...opts, release });
  ctx.log(`farm: ours, ${jobs.length} command jobs queued behind a hold on every node`);
  const ours = await measuredLeg(ctx, 'farm (ours)', (release) =>
    farmWithCoordinator(ctx, jobs, leg(release)),
  );
  const oursResult = farmLegResult(jobs, ours.run, ours.held, 'farm (ours)');
  ctx.log(`farm: ours, weighted mean ${seconds(oursResult.weightedMeanSeconds)}; now plain Slurm`);
  const slurm = await measuredLeg(ctx, 'farm (plain Slurm)', (release) =>
    farmAsSlurmJobs(ctx.bench, jobs, leg(release)),
  );
  const slurmResult = farmLegResult(jobs, slurm.run, slurm.held, 'farm (plain Slurm)');
  ctx.log(`farm: plain Slurm, weighted mean ${seconds(slurmResult.weightedMeanSeconds)}`);
  return { unitSeconds: o.unitSeconds, jobs, ours: oursResult, slurm: slurmResult };
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

function gapLine(label: string, gaps: readonly FreedNodeGap[]): string {
  const xs = gaps.map((g) => g.seconds);
  if (!xs.length) return `  ${label}: no node fell free while work waited`;
  return (
    `  ${label}: median ${seconds(median(xs))}, max ${seconds(Math.max(...xs))} over ` +
    `${xs.length} freed nodes (${xs.map((x) => x.toFixed(1)).join(', ')})`
  );
}

/** The farm section of the report: each job both ways, the weighted means and their ratio, the gaps. */
export function formatFarm(r: FarmResult): string {
  const units = r.jobs.reduce((s, j) => s + j.units.reduce((a, b) => a + b, 0), 0);
  const priorities = [...new Set(r.jobs.map((j) => j.priority))].sort((a, b) => a - b);
  const rows = [['job', 'priority', 'nodes', 'tasks', 'work', 'ours', 'plain Slurm']];
  r.jobs.forEach((j, i) => {
    const work = j.units.reduce((a, b) => a + b, 0) * r.unitSeconds;
    rows.push([
      j.name,
      String(j.priority),
      String(j.nodes),
      String(j.units.length),
      seconds(work),
      seconds(r.ours.completions[i]?.seconds ?? NaN),
      seconds(r.slurm.completions[i]?.seconds ?? NaN),
    ]);
  });
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  const table = rows.map((row) =>
    `  ${row.map((cell, c) => cell.padEnd(widths?.[c] ?? 0)).join('  ')}`.trimEnd(),
  );
  const ratio = r.ours.weightedMeanSeconds / r.slurm.weightedMeanSeconds;
  const oursMax = Math.max(...r.ours.gaps.map((g) => g.seconds));
  return [
    `${r.jobs.length} jobs (priorities ${priorities.join('/')}; ${units} task units of ` +
      `${r.unitSeconds} s in all, tasks of uneven lengths), all queued in Slurm behind a hold ` +
      'on every node; completion from the hold\u2019s end to the job\u2019s last task ending:',
    ...table,
    `  weighted mean completion (weights = priority): ours ${seconds(r.ours.weightedMeanSeconds)}, ` +
      `plain Slurm ${seconds(r.slurm.weightedMeanSeconds)}; ratio ${ratio.toFixed(2)} ` +
      `(target \u2264 ${FARM_TARGETS.weightedMeanRatio}) ${verdict(ratio, FARM_TARGETS.weightedMeanRatio)}`,
    `  makespan: ours ${seconds(r.ours.makespanSeconds)}, plain Slurm ` +
      `${seconds(r.slurm.makespanSeconds)}; tasks ran ${pct(r.ours.busyShare)} and ` +
      `${pct(r.slurm.busyShare)} of the nodes' time until then`,
    'From a node falling free (the Slurm job holding it ended) to the next task starting there:',
    gapLine('ours', r.ours.gaps),
    gapLine('plain Slurm (the next sbatch job\u2019s first task)', r.slurm.gaps),
    `  ours, every freed node at work within ${FARM_TARGETS.freedNodeSeconds} s: ` +
      `${r.ours.gaps.length ? verdict(oursMax, FARM_TARGETS.freedNodeSeconds) : 'n/a'}`,
    '  how: plain Slurm runs each job as one sbatch on its nodes, its tasks split statically, ' +
      '`--nice` from the priority as our allocations get it; the node\u2019s end is Slurm\u2019s ' +
      'EndTime (whole seconds) or the last task ending there if later, so a gap reads up to 1 s long',
  ].join('\n');
}
