import type { CommandModule } from 'yargs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoordinatorHealth, JobDetail, JobSummary } from '../../api/types.js';
import { CoordinatorConnection, withCoordinatorOptions } from '../connection.js';
import { formatJobDetail, formatJobTable } from '../format/jobs.js';
import { wrapLines } from '../format/wrap.js';
import { ranRemotely, withClusterOption } from '../remote.js';
import { followStatus } from '../remote-follow.js';
import { outageText } from '../../viewer/app/pace-text.js';

/** Only the named top-level fields of one job (keeps an answer over SSM under its 24,000 characters). */
function pickFields(data: JobDetail | JobSummary[], fields: string | undefined): unknown {
  if (!fields || Array.isArray(data)) return data;
  const wanted = new Set(fields.split(',').map((f) => f.trim()));
  return Object.fromEntries(Object.entries(data).filter(([k]) => wanted.has(k)));
}

export const statusCommand: CommandModule = {
  command: 'status [job]',
  describe:
    'Show jobs and their progress, or one job in detail (with --cluster: on a ParallelCluster head node)',
  builder: (y) =>
    withCoordinatorOptions(withClusterOption(y))
      .positional('job', { type: 'string', describe: 'Job id; all jobs when left out' })
      .option('json', { type: 'boolean', describe: 'Print JSON' })
      .option('fields', {
        type: 'string',
        describe: 'With --json and a job: only these top-level fields, comma-separated',
      })
      .option('watch', {
        type: 'boolean',
        describe: 'Refresh every 2 s until interrupted (or the job ends)',
      })
      .option('mine', {
        type: 'boolean',
        describe:
          "Only your own jobs (the default for everyone but the operator, the coordinator's user)",
      })
      .option('all', {
        type: 'boolean',
        describe: "Every user's jobs (the default for the operator)",
      })
      .conflicts('mine', 'all'),
  handler: async (argv) => {
    if (await ranRemotely('status', argv, { positional: ['job'], follow: followStatus })) return;
    const conn = CoordinatorConnection.fromArgs(argv);
    const job = argv.job as string | undefined;
    for (;;) {
      const data = job
        ? await conn.request<JobDetail>('GET', `/api/jobs/${encodeURIComponent(job)}`)
        : await conn.request<JobSummary[]>('GET', `/api/jobs${showQuery(argv)}`);
      // A coordinator from before this route answers 404: it says nothing of its disk.
      const health = argv.json
        ? undefined
        : await conn.request<CoordinatorHealth>('GET', '/api/coordinator').catch(() => undefined);
      const outageLine = outageText(health);
      // On a terminal, lines wrap at words to its width (and are counted as they show).
      const width = process.stdout.isTTY ? process.stdout.columns : undefined;
      const outage = outageLine ? wrapLines([`! ${outageLine}`], width) : [];
      // Watching on a terminal: the whole view fits the window, so the header never scrolls away.
      const fit =
        argv.watch && process.stdout.isTTY
          ? Math.max(10, process.stdout.rows - 1 - outage.length)
          : undefined;
      const text = argv.json
        ? JSON.stringify(pickFields(data, argv.fields as string | undefined), null, 2)
        : Array.isArray(data)
          ? fitLines(wrapLines(formatJobTable(data).split('\n'), width), fit)
          : formatJobDetail(data, { maxLines: fit, width });
      if (fit !== undefined) process.stdout.write('\x1b[H\x1b[2J');
      process.stdout.write([...outage, text].join('\n') + '\n');
      const ended = !Array.isArray(data) && data.state !== 'running' && data.state !== 'queued';
      if (!argv.watch || ended) return;
      await sleep(2000);
    }
  },
};

/** `?show=mine|all` when asked; else the coordinator's default for the caller. */
function showQuery(argv: Record<string, unknown>): string {
  return argv.mine ? '?show=mine' : argv.all ? '?show=all' : '';
}

/** The first `max` of `lines`, the last one saying how many more there are. */
function fitLines(lines: string[], max: number | undefined): string {
  if (max === undefined || lines.length <= max) return lines.join('\n');
  return [...lines.slice(0, max - 1), `… ${lines.length - max + 1} more`].join('\n');
}
