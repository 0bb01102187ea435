import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import type { SubmitRequest } from '../../api/types.js';
import { defaultStateDir } from '../../coordinator/state-dir.js';
import { UsageError } from '../../errors.js';
import { svox2Home, svox2SetupTask } from '../../renderers/plenoxels/environment.js';
import { shellJoin } from '../../shell/quote.js';
import { withCoordinatorOptions } from '../connection.js';
import { localInput } from '../inputs.js';
import { followSubmit } from '../remote-follow.js';
import { ranRemotely, withClusterOption } from '../remote.js';
import { submitOrPreview, withJobOptions } from './submit-job.js';

const svox2: CommandModule = {
  command: 'svox2',
  describe:
    'Build the svox2 (Plenoxels) environment once, on a GPU node, into the shared file system',
  builder: (y) =>
    withJobOptions(
      withCoordinatorOptions(withClusterOption(y)),
      'Show the build task; submit nothing',
    )
      .option('source', {
        type: 'string',
        demandOption: true,
        describe:
          'The svox2 checkout as a tarball with one top directory (`git archive --prefix=svox2/ -o svox2.tar.gz HEAD`)',
      })
      .option('python', {
        type: 'string',
        default: 'python3',
        describe: "The GPU image's Python, whose torch and CUDA the build uses",
      }),
  handler: async (argv) => {
    if (await ranRemotely('setup svox2', argv, { stage: ['source'], follow: followSubmit })) return;
    const source = path.resolve(await localInput(argv.source as string, argv));
    if (!existsSync(source) || !statSync(source).isFile())
      throw new UsageError(`--source ${argv.source as string} does not exist`);
    const stateDir = (argv['state-dir'] as string | undefined) ?? defaultStateDir();
    const task = svox2SetupTask(source, stateDir, argv.python as string);
    const home = svox2Home(stateDir);
    mkdirSync(home, { recursive: true, mode: 0o700 });
    const tasksPath = path.join(home, 'setup.jsonl');
    // A command job reads `{field}` in argv as a placeholder: every brace here is literal.
    const literal = (w: string) => w.replaceAll('{', '{{').replaceAll('}', '}}');
    const tasks = JSON.stringify({ id: task.id, argv: task.argv.map(literal) }) + '\n';
    writeFileSync(tasksPath, tasks, { mode: 0o600 });
    const req: SubmitRequest = {
      kind: 'command',
      tasks,
      tasksPath,
      cwd: home,
      nodes: 1,
      gpusPerNode: 1,
      name: (argv.name as string | undefined) ?? 'svox2-setup',
      timeLimitMinutes: argv['time-limit'] as number,
    };
    await submitOrPreview(argv, req, (plan) => ({
      json: { job: plan.job, summary: plan.summary, task },
      lines: [
        `Would submit job ${plan.job.id}: ${shellJoin(task.argv.slice(0, 2))} … ${shellJoin(task.argv.slice(3))}`,
      ],
    }));
  },
};

/** `cluster-tool setup svox2`: one-time environments on the shared file system. */
export const setupCommand: CommandModule = {
  command: 'setup <what>',
  describe: 'One-time environments on the shared file system (svox2 for Plenoxels)',
  builder: (y) => y.command(svox2).demandCommand(1),
  handler: () => {},
};
