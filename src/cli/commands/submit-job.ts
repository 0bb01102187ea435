import { CliError } from '../../errors.js';
import type { JobDetail, SubmitRequest } from '../../coordinator/api-types.js';
import { CoordinatorConnection } from '../connection.js';
import { formatJobDetail } from '../format/jobs.js';
import { waitForJob } from './submit.js';

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
  const done = await waitForJob(conn, job.id, !argv.json && process.stderr.isTTY);
  process.stdout.write(
    argv.json ? JSON.stringify(done, null, 2) + '\n' : formatJobDetail(done) + '\n',
  );
  if (done.state !== 'succeeded')
    throw new CliError(`job ${done.id} ${done.state}${done.error ? `: ${done.error}` : ''}`);
}
