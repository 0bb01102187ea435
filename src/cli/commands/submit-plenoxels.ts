import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { SubmitRequest } from '../../api/types.js';
import type { PlenoxelsTask } from '../../renderers/plenoxels/index.js';
import { defaultStateDir } from '../../coordinator/state-dir.js';
import { svox2For } from '../../renderers/plenoxels/environment.js';
import { shellJoin } from '../../shell/quote.js';
import { withCoordinatorOptions } from '../connection.js';
import { localInput } from '../inputs.js';
import { ranRemotely, withClusterOption } from '../remote.js';
import { followSubmit } from '../remote-follow.js';
import { submitOrPreview, withJobOptions, type JobPreview } from './submit-job.js';

/** One expanded task as --dry-run shows it: its steps' full command lines (python swapped in). */
function taskLines(plan: JobPreview) {
  return plan.tasks.map((t) => {
    const task = t.payload.task as PlenoxelsTask;
    const python = typeof t.payload.python === 'string' ? t.payload.python : 'python3';
    const cwd = typeof t.payload.svox2Dir === 'string' ? t.payload.svox2Dir : '';
    return {
      task: task.id,
      variables: task.variables,
      trainDir: task.trainDir,
      dataDir: task.dataDir,
      cwd,
      steps: task.steps.map((s) => ({
        name: s.name,
        argv: [python, ...s.argv.slice(1)],
        skipWhenExists: s.doneWhen,
      })),
    };
  });
}

/** `cluster-tool submit plenoxels TASKS.json --svox2 DIR`: an autotune sweep, one task per GPU. */
export const plenoxelsSubmit: CommandModule = {
  command: 'plenoxels <tasks>',
  describe: 'Run a Plenoxels (svox2) sweep from an autotune task file, one task per GPU',
  builder: (y) =>
    withJobOptions(
      withCoordinatorOptions(withClusterOption(y)),
      'List the expanded tasks and their command lines; submit nothing',
    )
      .positional('tasks', {
        type: 'string',
        demandOption: true,
        describe: "autotune.py's task file (JSON)",
      })
      .option('svox2', {
        type: 'string',
        describe: 'The svox2 checkout on the shared file system',
        defaultDescription: 'the one `setup svox2` built',
      })
      .option('python', {
        type: 'string',
        describe: 'The Python of the svox2 environment',
        defaultDescription: "`setup svox2`'s virtualenv, else python3",
      })
      .option('eval', {
        type: 'boolean',
        describe: "Evaluate after training (autotune's --eval) unless the file says",
      })
      .option('render', {
        type: 'boolean',
        describe: "Render the path video too (autotune's --render) unless the file says",
      })
      .option('gpu-memory', {
        type: 'number',
        default: 16,
        describe: 'GPU memory in GB, to warn about the default grid cap',
      }),
  handler: async (argv) => {
    if (
      await ranRemotely('submit plenoxels', argv, {
        positional: ['tasks'],
        stage: ['tasks'],
        follow: followSubmit,
      })
    )
      return;
    const file = path.resolve(await localInput(argv.tasks as string, argv));
    if (!existsSync(file) || !statSync(file).isFile())
      throw new UsageError(`task file ${argv.tasks as string} does not exist`);
    // The environment `setup svox2` built on the shared file system, unless the flags name one.
    const env = svox2For((argv['state-dir'] as string | undefined) ?? defaultStateDir(), {
      svox2: argv.svox2 as string | undefined,
      python: argv.python as string | undefined,
    });
    const svox2 = env.svox2Dir;
    const req: SubmitRequest = {
      kind: 'plenoxels',
      taskFile: readFileSync(file, 'utf8'),
      taskFilePath: file,
      cwd: process.cwd(),
      svox2,
      python: env.python,
      gpuMemoryGiB: argv['gpu-memory'] as number,
      nodes: argv.nodes as number,
      gpusPerNode: argv['gpus-per-node'] as number | undefined,
      name: argv.name as string | undefined,
      timeLimitMinutes: argv['time-limit'] as number,
      ...(argv.eval !== undefined ? { eval: argv.eval as boolean } : {}),
      ...(argv.render !== undefined ? { render: argv.render as boolean } : {}),
    };
    await submitOrPreview(argv, req, (plan) => {
      const tasks = taskLines(plan);
      return {
        json: {
          job: plan.job,
          summary: plan.summary,
          warnings: plan.warnings ?? [],
          tasks,
          sbatch: plan.sbatch,
        },
        lines: [
          `Would submit job ${plan.job.id}: ${plan.summary}, ${plan.job.gpusPerNode} GPU(s) per node`,
          ...tasks.flatMap((t) => [
            `  ${t.task}`,
            ...t.steps.map((s) => `    (cd ${shellJoin([t.cwd])} && ${shellJoin(s.argv)})`),
          ]),
        ],
      };
    });
  },
};
