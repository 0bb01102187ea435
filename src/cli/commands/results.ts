import type { CommandModule } from 'yargs';
import type { JobDetail, ResultRow } from '../../api/types.js';
import { resultsCsv } from '../../coordinator/jobs/result-csv.js';
import { CliError } from '../../errors.js';
import { CoordinatorConnection, withCoordinatorOptions } from '../connection.js';
import { formatResults } from '../format/jobs.js';
import { table } from '../format/table.js';
import { ranRemotely, withClusterOption } from '../remote.js';

const n = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined ? '-' : v.toFixed(digits);

/** A pipeline's rows: step, task, state, exit code, seconds, bytes, progress, metrics, GPU. */
function pipelineTable(rows: readonly ResultRow[]): string {
  return table([
    ['STEP', 'TASK', 'STATE', 'EXIT', 'SECONDS', 'BYTES', 'PROGRESS', 'METRICS', 'GPU'],
    ...rows.map((r) => [
      r.step ?? '-',
      r.task,
      r.state,
      n(r.exitCode),
      n(r.seconds, 2),
      n(r.bytesWritten),
      r.progress === null || r.progress === undefined ? '-' : `${r.progress}%`,
      Object.entries(r.metrics ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || '-',
      r.gpu ?? '-',
    ]),
  ]);
}

/** `cluster-tool results JOB [--csv|--json]`: a job's results table, one row per task. */
export const resultsCommand: CommandModule = {
  command: 'results <job>',
  describe:
    "Show a job's results, one row per task (pipelines: exit code, seconds, bytes written, progress, metrics); --csv for a spreadsheet",
  builder: (y) =>
    withCoordinatorOptions(withClusterOption(y))
      .positional('job', { type: 'string', demandOption: true, describe: 'Job id' })
      .option('csv', { type: 'boolean', default: false, describe: 'Print CSV (RFC 4180)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the rows as JSON' }),
  handler: async (argv) => {
    if (await ranRemotely('results', argv, { positional: ['job'] })) return;
    const job = await CoordinatorConnection.fromArgs(argv).request<JobDetail>(
      'GET',
      `/api/jobs/${encodeURIComponent(argv.job as string)}`,
    );
    if (!job.results)
      throw new CliError(
        `job ${job.id} is a ${job.kind} job, which keeps no results table (pipelines, command jobs and Plenoxels sweeps do)`,
      );
    const rows = job.results;
    if (argv.csv) return void process.stdout.write(resultsCsv(rows));
    if (argv.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    const pipeline = rows.some((r) => r.step !== undefined);
    process.stdout.write((pipeline ? pipelineTable(rows) : formatResults(rows)) + '\n');
  },
};
