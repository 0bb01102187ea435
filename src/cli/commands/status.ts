import type { CommandModule } from 'yargs';
import { CliError } from '../../errors.js';
import { runRemotelyIfAsked, withClusterOption } from '../remote.js';

// Minimal module: the remote path through SSM. The local view (talking to the coordinator) is
// built with the coordinator and replaces the CliError below.
export const statusCommand: CommandModule = {
  command: 'status [job]',
  describe: 'Show jobs and their progress (with --cluster: on a ParallelCluster head node)',
  builder: (y) =>
    withClusterOption(y)
      .positional('job', { type: 'string', describe: 'Job id; all jobs when left out' })
      .option('json', { type: 'boolean', describe: 'Print JSON' }),
  handler: async (argv) => {
    const code = await runRemotelyIfAsked('status', argv, { positional: ['job'] });
    if (code === undefined) {
      throw new CliError(
        'the local status view arrives with the coordinator; for now use `cluster-tool status --cluster NAME`',
      );
    }
    process.exitCode = code;
  },
};
