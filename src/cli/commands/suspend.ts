import type { CommandModule } from 'yargs';
import type { JobDetail } from '../../api/types.js';
import { CoordinatorConnection, withCoordinatorOptions } from '../connection.js';
import { ranRemotely, withClusterOption } from '../remote.js';

const jobArg = {
  type: 'string',
  demandOption: true,
  describe: 'Job id (from `cluster-tool status`)',
} as const;

/** The message of the job's latest event of this type, as the coordinator recorded it. */
function said(job: JobDetail, type: string, fallback: string): string {
  return [...job.events].reverse().find((e) => e.type === type)?.message ?? fallback;
}

export const suspendCommand: CommandModule = {
  command: 'suspend <job>',
  describe:
    'Suspend a running job: its running tasks finish, no new ones start, and its nodes go back to Slurm after a grace (`coordinator --suspend-grace-seconds`)',
  builder: (y) =>
    withCoordinatorOptions(withClusterOption(y))
      .positional('job', jobArg)
      .example('$0 suspend j4', 'Free the nodes of j4 for another job; `resume j4` later'),
  handler: async (argv) => {
    if (await ranRemotely('suspend', argv, { positional: ['job'] })) return;
    const job = await CoordinatorConnection.fromArgs(argv).request<JobDetail>(
      'POST',
      `/api/jobs/${encodeURIComponent(argv.job as string)}/suspend`,
    );
    process.stdout.write(`${job.id} ${said(job, 'job:suspended', 'suspended')}\n`);
  },
};

export const resumeCommand: CommandModule = {
  command: 'resume <job>',
  describe: 'Resume a suspended job: its tasks are leased again and its nodes asked for again',
  builder: (y) => withCoordinatorOptions(withClusterOption(y)).positional('job', jobArg),
  handler: async (argv) => {
    if (await ranRemotely('resume', argv, { positional: ['job'] })) return;
    const job = await CoordinatorConnection.fromArgs(argv).request<JobDetail>(
      'POST',
      `/api/jobs/${encodeURIComponent(argv.job as string)}/resume`,
    );
    process.stdout.write(`${job.id} ${said(job, 'job:resumed', 'resumed')}\n`);
  },
};
