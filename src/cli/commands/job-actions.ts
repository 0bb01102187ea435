import type { CommandModule } from 'yargs';
import type { JobDetail } from '../../coordinator/api-types.js';
import { parseFrames } from '../../renderers/blender/frames.js';
import { CoordinatorConnection, withCoordinatorOptions } from '../connection.js';
import { ranRemotely, withClusterOption } from '../remote.js';

const jobArg = {
  type: 'string',
  demandOption: true,
  describe: 'Job id (from `cluster-tool status`)',
} as const;

export const cancelCommand: CommandModule = {
  command: 'cancel <job>',
  describe: 'Cancel a job and release its Slurm allocations',
  builder: (y) => withCoordinatorOptions(withClusterOption(y)).positional('job', jobArg),
  handler: async (argv) => {
    if (await ranRemotely('cancel', argv, { positional: ['job'] })) return;
    const job = await CoordinatorConnection.fromArgs(argv).request<JobDetail>(
      'POST',
      `/api/jobs/${encodeURIComponent(argv.job as string)}/cancel`,
    );
    process.stdout.write(`${job.id} ${job.state}\n`);
  },
};

export const retryCommand: CommandModule = {
  command: 'retry <job>',
  describe: 'Queue failed frames again (or the frames given), then encode the video again',
  builder: (y) =>
    withCoordinatorOptions(withClusterOption(y))
      .positional('job', jobArg)
      .option('frames', { type: 'string', describe: 'Only these frames (1-10, 5,7), done or not' }),
  handler: async (argv) => {
    if (await ranRemotely('retry', argv, { positional: ['job'] })) return;
    if (argv.frames) parseFrames(argv.frames as string);
    const job = await CoordinatorConnection.fromArgs(argv).request<JobDetail>(
      'POST',
      `/api/jobs/${encodeURIComponent(argv.job as string)}/retry`,
      {
        frames: argv.frames,
      },
    );
    process.stdout.write(`${job.id} ${job.state}: ${job.progress.queued} frame(s) queued\n`);
  },
};

export const logsCommand: CommandModule = {
  command: 'logs <job>',
  describe: "Show a job's Slurm output, or one agent's log",
  builder: (y) =>
    withCoordinatorOptions(withClusterOption(y))
      .positional('job', jobArg)
      .option('agent', { type: 'string', describe: 'Agent id (see `cluster-tool status JOB`)' })
      .option('tail', { type: 'number', default: 200, describe: 'Lines from the end' }),
  handler: async (argv) => {
    if (await ranRemotely('logs', argv, { positional: ['job'] })) return;
    const q = new URLSearchParams({ tail: String(argv.tail) });
    if (argv.agent) q.set('agent', argv.agent as string);
    const r = await CoordinatorConnection.fromArgs(argv).request<{ lines: string[] }>(
      'GET',
      `/api/jobs/${encodeURIComponent(argv.job as string)}/logs?${q}`,
    );
    process.stdout.write(r.lines.join('\n') + (r.lines.length ? '\n' : ''));
  },
};
