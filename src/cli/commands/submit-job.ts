import type { Argv } from 'yargs';
import { CliError } from '../../errors.js';
import type { JobDetail, SubmitRequest } from '../../coordinator/api-types.js';
import { CoordinatorConnection } from '../connection.js';
import { formatJobDetail } from '../format/jobs.js';
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
  tasks: { stage: string; kind: string; frames: number[]; payload: Record<string, unknown> }[];
  sbatch: { args: string[]; script: string };
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
    const shown = describe(plan);
    if (argv.json) return void process.stdout.write(JSON.stringify(shown.json, null, 2) + '\n');
    for (const w of plan.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(shown.lines.join('\n') + '\n');
    return;
  }
  const job = await conn.request<JobDetail>('POST', '/api/jobs', req);
  for (const e of job.events.filter((x) => x.type === 'job:warning'))
    process.stderr.write(`warning: ${e.message}\n`);
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
  'id' | 'state' | 'stage' | 'progress' | 'ratePerMinute' | 'etaSeconds' | 'error' | 'allocations'
>;

/** The fields of `FollowedJob`, for `status --json --fields`. */
export const FOLLOWED_FIELDS = [
  'id',
  'state',
  'stage',
  'progress',
  'ratePerMinute',
  'etaSeconds',
  'error',
  'allocations',
] as const;

/** How `waitForJob` shows progress: a bar on a terminal, else a line per change to `log`. */
export interface WaitOptions {
  bar: boolean;
  log?: (line: string) => void;
  /** Between reads (default 1 s). */
  pollMs?: number;
}

/** Waits for a job to end, drawing frames done, rate and ETA; returns the final job. */
export async function waitForJob<T extends FollowedJob>(
  read: (id: string) => Promise<T>,
  id: string,
  o: WaitOptions,
): Promise<T> {
  const bar = o.bar
    ? new cliProgress.SingleBar(
        {
          format: ' {bar} {value}/{total} frames | {rate}/min | ETA {eta_s} | {state}',
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let job = await read(id);
  bar?.start(job.progress.total, job.progress.done, { rate: 0, eta_s: '-', state: job.state });
  let last = '';
  const logLine = () => {
    const line = `· ${job.id}: ${job.progress.done}/${job.progress.total} ${job.state} ${job.stage}`;
    if (!bar && o.log && line !== last) o.log((last = line));
  };
  logLine();
  while (job.state === 'running' || job.state === 'queued') {
    await sleep(o.pollMs ?? 1000);
    job = await read(id);
    bar?.update(job.progress.done, {
      rate: job.ratePerMinute,
      eta_s: job.etaSeconds ?? '-',
      state: `${job.state} ${job.stage}`,
    });
    logLine();
  }
  bar?.update(job.progress.done, { state: job.state });
  bar?.stop();
  return job;
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
