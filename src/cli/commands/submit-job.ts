import type { Argv } from 'yargs';
import { CliError, UsageError } from '../../errors.js';
import { DEFAULT_PRIORITY, priorityProblem } from '../../api/priority.js';
import type { JobDetail, SubmitRequest } from '../../api/types.js';
import type { JobDirs, JobPlan, PlanEvent } from '../../coordinator/jobs/job-type.js';
import { previewOf } from '../../coordinator/planning.js';
import { CoordinatorConnection, NoCoordinator } from '../connection.js';
import { formatJobDetail } from '../format/jobs.js';
import { waitForJob } from './follow-job.js';
import { planHere } from './plan-here.js';
import { checkedNotifyUrls } from './notify-options.js';

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
  /** The first Slurm job the start submits, and how many (one per node, or one allocation). */
  sbatch: { args: string[]; script: string; count: number };
}

/** A plan made on this machine (`--dry-run` without a coordinator): no sbatch script. */
export type LocalPreview = Omit<JobPreview, 'sbatch'> & { sbatch: null };

/** A plan made on this machine, as the coordinator's preview would show it (no sbatch script). */
function localPreview(plan: JobPlan, dirs: JobDirs): LocalPreview {
  return { ...previewOf(plan, { ...dirs, id: '(dry run)' }), sbatch: null };
}

/** What a preview is shown as: JSON with --json, else lines. */
type Shown = { json: unknown; lines: string[] };

/** What the resume scan saw (frames not whole, partial files removed): said before the plan. */
const SCAN_NOTES = new Set(['render:not-whole', 'render:partials-removed']);

function note(message: string): void {
  process.stderr.write(`note: ${message}\n`);
}

/**
 * Shows a plan `--dry-run` made: what its resume scan saw as notes, then JSON with --json, else
 * its warnings and the lines `describe` gives.
 */
function printPreview<P extends JobPreview | LocalPreview>(
  argv: Record<string, unknown>,
  plan: P,
  describe: (plan: P) => Shown,
): void {
  for (const e of plan.events ?? []) if (SCAN_NOTES.has(e.type)) note(e.message);
  const shown = describe(plan);
  if (argv.json) return void process.stdout.write(JSON.stringify(shown.json, null, 2) + '\n');
  for (const w of plan.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  process.stdout.write(shown.lines.join('\n') + '\n');
}

/** The coordinator's plan of a request (`POST /api/jobs?dryRun=1`): nothing is written. */
function coordinatorPreview(argv: Record<string, unknown>, req: SubmitRequest) {
  return CoordinatorConnection.fromArgs(argv).request<JobPreview>(
    'POST',
    '/api/jobs?dryRun=1',
    req,
  );
}

/**
 * Submits a job of any kind, or with --dry-run prints the coordinator's plan of it (`describe`
 * turns the preview into the JSON and the lines to show); with --wait follows it to the end.
 * Shared by the subcommands.
 */
export async function submitOrPreview(
  argv: Record<string, unknown>,
  asked: SubmitRequest,
  describe: (plan: JobPreview) => Shown,
): Promise<void> {
  const req = withSharedFields(argv, asked);
  if (!argv['dry-run']) return submit(argv, req);
  printPreview(argv, await coordinatorPreview(argv, req), describe);
}

/**
 * As {@link submitOrPreview}, but a dry run that finds no coordinator is planned here, by the
 * coordinator's own planning code (plan-here.ts), for kinds whose files this machine holds.
 */
export async function submitOrPlanHere(
  argv: Record<string, unknown>,
  asked: SubmitRequest,
  describe: (plan: JobPreview | LocalPreview) => Shown,
): Promise<void> {
  const req = withSharedFields(argv, asked);
  if (!argv['dry-run']) return submit(argv, req);
  let plan: JobPreview | LocalPreview;
  try {
    plan = await coordinatorPreview(argv, req);
  } catch (err) {
    if (!(err instanceof NoCoordinator)) throw err;
    const here = await planHere(argv, req);
    here.notes.forEach(note);
    plan = localPreview(here.plan, here.dirs);
  }
  printPreview(argv, plan, describe);
}

/**
 * The request with `--priority` and `--notify`, checked here so that a typo is told before
 * anything is sent.
 */
export function withSharedFields(argv: Record<string, unknown>, req: SubmitRequest): SubmitRequest {
  const notify = argv.notify === undefined ? {} : { notify: checkedNotifyUrls(argv.notify) };
  const priority = argv.priority;
  if (priority === undefined) return { ...req, ...notify };
  const problem = priorityProblem(priority);
  if (problem) throw new UsageError(`--${problem}`);
  return { ...req, ...notify, priority: priority as number };
}

/** `--priority 1..100` and `--notify URL`: every verb that submits a job has them. */
export function withSharedOptions<T>(y: Argv<T>) {
  return y
    .option('priority', {
      type: 'number',
      describe:
        'Which of your jobs Slurm starts first when nodes are scarce: 1-100, higher first; `cluster-tool priority JOB N` changes it later',
      defaultDescription: String(DEFAULT_PRIORITY),
    })
    .option('notify', {
      type: 'string',
      array: true,
      describe:
        "A URL told of the job's end (succeeded, failed or cancelled) by a signed JSON POST, retried until it answers 2xx; repeatable. `cluster-tool notify-key` prints the signing key",
    })
    .option('owner', {
      type: 'string',
      describe:
        "Record the job as this user's (a user name or an AWS identity ARN): the operator only, who then submits on their behalf",
      defaultDescription: 'you',
    });
}

/** Submits a request; with --wait follows the job to its end. */
async function submit(argv: Record<string, unknown>, req: SubmitRequest): Promise<void> {
  const conn = CoordinatorConnection.fromArgs(argv);
  const owner = argv.owner as string | undefined;
  const route = owner ? `/api/jobs?owner=${encodeURIComponent(owner)}` : '/api/jobs';
  const job = await conn.request<JobDetail>('POST', route, req);
  for (const e of job.events) {
    if (e.type === 'job:warning') process.stderr.write(`warning: ${e.message}\n`);
    if (e.type === 'render:skipped' || SCAN_NOTES.has(e.type)) note(e.message);
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

/**
 * The options every `submit` kind shares: nodes, GPUs per node, name, time limit, priority,
 * --wait, --dry-run, --json.
 */
export function withJobOptions<T>(y: Argv<T>, dryRunDescription: string) {
  return withSharedOptions(y)
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
