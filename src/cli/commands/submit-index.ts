import path from 'node:path';
import type { CommandModule } from 'yargs';
import type { SubmitRequest } from '../../api/types.js';
import { checkIndexLaunch, DEFAULT_INDEX_DIR } from '../../renderers/index/index.js';
import { nodeFiles } from '../../util/node-files.js';
import { UsageError } from '../../errors.js';
import { withCoordinatorOptions } from '../connection.js';
import { ranRemotely, withClusterOption } from '../remote.js';
import { followSubmit } from '../remote-follow.js';
import { submitOrPreview, withSharedOptions } from './submit-job.js';

/** `cluster-tool submit index SCENE.prj --nodes 4`: an NVIDIA IndeX session on whole nodes. */
export const indexSubmit: CommandModule = {
  command: 'index <scene>',
  describe:
    "Start an NVIDIA IndeX viewer session across nodes (the IndeX AMI's nvindex-slurm); status shows its address",
  builder: (y) =>
    withSharedOptions(withCoordinatorOptions(withClusterOption(y)))
      .positional('scene', {
        type: 'string',
        demandOption: true,
        describe: 'The IndeX project file (.prj)',
      })
      .option('nodes', { type: 'number', default: 4, describe: 'Nodes for the session' })
      .option('index-dir', {
        type: 'string',
        default: DEFAULT_INDEX_DIR,
        describe: 'The IndeX demo directory (holds nvindex-viewer.sh)',
      })
      .option('name', { type: 'string', describe: 'A name for the job' })
      .option('time-limit', {
        type: 'number',
        default: 240,
        describe: 'Minutes the session may live',
      })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'Print the sbatch script; start nothing',
      })
      .option('json', { type: 'boolean', default: false }),
  handler: async (argv) => {
    // The project file lives beside its data on the cluster: it is named, not staged.
    if (await ranRemotely('submit index', argv, { positional: ['scene'], follow: followSubmit }))
      return;
    const scene = path.resolve(argv.scene as string);
    const indexDir = path.resolve(argv['index-dir'] as string);
    const check = checkIndexLaunch({ scene, indexDir }, nodeFiles);
    if (check.errors.length) throw new UsageError(check.errors.join('\n'));
    const req: SubmitRequest = {
      kind: 'index',
      scene,
      indexDir,
      nodes: argv.nodes as number,
      name: argv.name as string | undefined,
      timeLimitMinutes: argv['time-limit'] as number,
    };
    await submitOrPreview(argv, req, (plan) => ({
      json: plan,
      lines: [
        `Would start job ${plan.job.id}: ${plan.summary}`,
        '',
        `sbatch ${plan.sbatch.args.join(' ')} <script>`,
        '',
        plan.sbatch.script,
      ],
    }));
  },
};
