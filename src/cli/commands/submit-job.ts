import type { Argv } from 'yargs';
import { CliError } from '../../errors.js';
import type { JobDetail, SubmitRequest } from '../../api/types.js';
import type { JobDirs, JobPlan, PlanEvent } from '../../coordinator/jobs/job-type.js';
import { CoordinatorConnection } from '../connection.js';
import { formatJobDetail } from '../format/jobs.js';
import { etaText, rateText, timeText, unitWord } from '../../viewer/app/pace-text.js';
import cliProgress from 'cli-progress';
import { setTimeout as sleep } from 'node:timers/promises';

/** What `POST /api/jobs?dryRun=1` answers. */
export interface JobPreview {
  job: {
    id: string;
    name: string;
    nodes: number;
    gpusPerNode: number;
    dir: string;
    outputDir: string;
  };
  summary: string;
  warnings?: string[];
  /** What the plan decided, as the job's history will record it. */
  events?: PlanEvent[];
  /** The request as the plan normalized it (the job's spec). */
  spec?: SubmitRequest;
  tasks: { stage: string; kind: string; frames: number[]; payload: Record<string, unknown> }[];
  sbatch: { args: string[]; script: string };
}

/** A plan made on this machine (`--dry-run` without a coordinator): no sbatch script. */
export type LocalPreview = Omit<JobPreview, 'sbatch'> & { sbatch: null };

/** A plan made on this machine, as the coordinator's preview would show it (no sbatch script). */
export function localPreview(plan: JobPlan, dirs: JobDirs): LocalPreview {
  return {
    job: {
      id: '(dry run)',
      name: plan.name,
      nodes: plan.nodes,
      gpusPerNode: plan.gpusPerNode,
      dir: dirs.dir,
      outputDir: plan.outputDir ?? dirs.outputDir,
    },
    summary: plan.summary,
    warnings: plan.warnings ?? [],
    events: plan.events ?? [],
    spec: plan.request,
    tasks: plan.tasks.map((t) => ({
      stage: t.stage,
      kind: t.kind,
      frames: t.frames,
      payload: t.payload,
    })),
    sbatch: null,
  };
}

/** Shows a plan `--dry-run` made here: JSON with --json, else the lines `describe` gives. */
export function printPreview<P extends JobPreview | LocalPreview>(
  argv: Record<string, unknown>,
  plan: P,
  describe: (plan: P) => { json: unknown; lines: string[] },
): void {
  const shown = describe(plan);
  if (argv.json) return void process.stdout.write(JSON.stringify(shown.json, null, 2) + '\n');
  for (const w of plan.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  process.stdout.write(shown.lines.join('\n') + '\n');
}

/**
 * Submits a job of any kind, or with --dry-run prints its plan (`describe` turns the preview into
 * the JSON and the lines to show); with --wait follows it to the end. Shared by the subcommands.
 */
export async function submitOrPreview(
  argv: Record<string, unknown>,
  req: SubmitRequest,
  describe: (plan: JobPreview) => { json: unknown; lines: string[] },
): Promise<void> {
  const conn = CoordinatorConnection.fromArgs(argv);
  if (argv['dry-run']) {
    const plan = await conn.request<JobPreview>('POST', '/api/jobs?dryRun=1', req);
    return printPreview(argv, plan, describe);
  }
  const job = await conn.request<JobDetail>('POST', '/api/jobs', req);
  for (const e of job.events) {
    if (e.type === 'job:warning') process.stderr.write(`warning: ${e.message}\n`);
    if (e.type === 'render:skipped') process.stderr.write(`note: ${e.message}\n`);
  }
  if (!argv.wait) {
    process.stdout.write(argv.json ? JSON.stringify(job, null, 2) + '\n' : `${job.id}\n`);
    if (!argv.json)
      process.stderr.write(
        `Submitted ${job.id}; follow it with \`cluster-tool status ${job.id}\`\n`,
      );
    return;
  }
  process.stderr.write(`Submitted ${job.id}\n`);
  const done = await waitForJob(
    (i) => conn.request<JobDetail>('GET', `/api/jobs/${encodeURIComponent(i)}`),
    job.id,
    { bar: !argv.json && process.stderr.isTTY },
  );
  process.stdout.write(
    argv.json ? JSON.stringify(done, null, 2) + '\n' : formatJobDetail(done) + '\n',
  );
  if (done.state !== 'succeeded')
    throw new CliError(`job ${done.id} ${done.state}${done.error ? `: ${done.error}` : ''}`);
}

/** What following a job needs to know of it (a short answer, even over SSM). */
export type FollowedJob = Pick<
  JobDetail,
  | 'id'
  | 'state'
  | 'stage'
  | 'progress'
  | 'unit'
  | 'ratePerMinute'
  | 'etaSeconds'
  | 'asOf'
  | 'createdAt'
  | 'finishedAt'
  | 'error'
  | 'allocations'
>;

/** The fields of `FollowedJob`, for `status --json --fields`. */
export const FOLLOWED_FIELDS = [
  'id',
  'state',
  'stage',
  'progress',
  'unit',
  'ratePerMinute',
  'etaSeconds',
  'asOf',
  'createdAt',
  'finishedAt',
  'error',
  'allocations',
] as const satisfies readonly (keyof FollowedJob)[];

/** How `waitForJob` shows progress: a bar on a terminal, else a line per change to `log`. */
export interface WaitOptions {
  bar: boolean;
  log?: (line: string) => void;
  /** Between reads (default 1 s). */
  pollMs?: number;
  /** Flags the follow-up commands need to reach the same job (`--cluster NAME`). */
  reach?: string;
}

/** What to say when a user stops following a job that goes on running. */
export function stillRunning(id: string, reach = ''): string {
  return `Stopped following ${id}; it goes on running on the cluster. Follow it with \`cluster-tool status ${id}${reach} --watch\`, or stop it with \`cluster-tool cancel ${id}${reach}\`.`;
}

/**
 * Waits for a job to end, drawing progress in the job's unit, rate and ETA (counting down each
 * second); returns the final job. `read` fetches the job (from the coordinator, or over SSM);
 * without a bar, each change is one line to `log`. Ctrl-C stops following, not the job, and says so.
 */
export async function waitForJob<T extends FollowedJob>(
  read: (id: string) => Promise<T>,
  id: string,
  o: WaitOptions,
): Promise<T> {
  const bar = o.bar
    ? new cliProgress.SingleBar(
        { format: ' {bar} {value}/{total} {unit} | {rate} | ETA {eta} | {time} | {state}' },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const fields = (j: T) => ({
    unit: unitWord(j.unit, j.progress.total),
    rate: rateText(j),
    eta: etaText(j, Date.now()),
    time: timeText(j, Date.now()),
    state: `${j.state}${j.stage ? ` ${j.stage}` : ''}`,
  });
  let last = '';
  const logLine = (j: T) => {
    const line = `· ${j.id}: ${j.progress.done}/${j.progress.total} ${unitWord(j.unit, j.progress.total)} ${fields(j).state}`;
    if (!bar && o.log && line !== last) o.log((last = line));
  };
  const onInterrupt = () => {
    bar?.stop();
    process.stderr.write(`\n${stillRunning(id, o.reach)}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    let job = await read(id);
    bar?.start(job.progress.total, job.progress.done, fields(job));
    logLine(job);
    while (job.state === 'running' || job.state === 'queued') {
      await sleep(o.pollMs ?? 1000);
      job = await read(id);
      bar?.setTotal(job.progress.total);
      bar?.update(job.progress.done, fields(job));
      logLine(job);
    }
    bar?.update(job.progress.done, fields(job));
    bar?.stop();
    return job;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** The options every `submit` kind shares: nodes, GPUs per node, name, time limit, --wait, --dry-run, --json. */
export function withJobOptions<T>(y: Argv<T>, dryRunDescription: string) {
  return y
    .option('nodes', { type: 'number', default: 1, describe: 'Nodes to start with' })
    .option('gpus-per-node', {
      type: 'number',
      describe: 'Agents (GPUs) per node',
      defaultDescription: "the nodes' GPU count",
    })
    .option('name', { type: 'string', describe: 'A name for the job' })
    .option('time-limit', {
      type: 'number',
      default: 60,
      describe: 'Slurm time limit of each allocation, in minutes',
    })
    .option('wait', {
      type: 'boolean',
      default: false,
      describe: 'Wait until the job ends and print it',
    })
    .option('dry-run', { type: 'boolean', default: false, describe: dryRunDescription })
    .option('json', { type: 'boolean', default: false, describe: 'Print JSON' });
}
