import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { SubmitRequest } from '../../coordinator/api-types.js';
import { parseFrames } from '../../renderers/blender/frames.js';
import { withCoordinatorOptions } from '../connection.js';
import { localInput } from '../inputs.js';
import { ranRemotely, withClusterOption } from '../remote.js';
import { followSubmit } from '../remote-follow.js';
import { commandSubmit } from './submit-command.js';
import { datasetSubmit } from './submit-dataset.js';
import { indexSubmit } from './submit-index.js';
import { submitOrPreview } from './submit-job.js';
import { plenoxelsSubmit } from './submit-plenoxels.js';

function checkScene(scene: string): string {
  const abs = path.resolve(scene);
  if (!/\.blend$/i.test(abs)) throw new UsageError(`${scene} is not a .blend file`);
  if (!existsSync(abs) || !statSync(abs).isFile())
    throw new UsageError(`scene ${scene} does not exist`);
  return abs;
}

const blender: CommandModule = {
  command: 'blender <scene>',
  describe: 'Render a Blender scene across the cluster, then encode an MP4',
  builder: (y) =>
    withCoordinatorOptions(withClusterOption(y))
      .positional('scene', { type: 'string', demandOption: true, describe: 'The .blend file' })
      .option('frames', {
        type: 'string',
        demandOption: true,
        describe: 'Frames: 1-240, 1-240x2 (every 2nd), 1,5,9-12',
      })
      .option('nodes', { type: 'number', default: 1, describe: 'Nodes to start with' })
      .option('gpus-per-node', {
        type: 'number',
        describe: 'Agents (GPUs) per node',
        defaultDescription: "the nodes' GPU count",
      })
      .option('chunk', { type: 'number', default: 1, describe: 'Frames per task' })
      .option('format', {
        choices: ['PNG', 'OPEN_EXR'] as const,
        default: 'PNG' as const,
        describe: 'Frame file format',
      })
      .option('name', { type: 'string', describe: 'A name for the job' })
      .option('time-limit', {
        type: 'number',
        default: 60,
        describe: 'Slurm time limit of each allocation, in minutes',
      })
      .option('auto', { type: 'boolean', describe: 'Autoscale between --min and --max nodes' })
      .option('min', { type: 'number', describe: 'Autoscaling: fewest nodes' })
      .option('max', { type: 'number', describe: 'Autoscaling: most nodes' })
      .option('target-finish', {
        type: 'string',
        describe: 'Autoscaling: finish within this long (30m, 2h, 90s)',
      })
      .option('wait', {
        type: 'boolean',
        default: false,
        describe: 'Show a progress bar until the job ends',
      })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'Print the plan (tasks, sbatch script) and submit nothing',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the job as JSON' }),
  handler: async (argv) => {
    if (
      await ranRemotely('submit blender', argv, {
        positional: ['scene'],
        stage: ['scene'],
        follow: followSubmit,
      })
    )
      return;
    const scene = checkScene(await localInput(argv.scene as string, argv));
    parseFrames(argv.frames as string);
    if ((argv.chunk as number) < 1 || !Number.isInteger(argv.chunk))
      throw new UsageError(
        `--chunk must be a whole number of at least 1 (got ${String(argv.chunk)})`,
      );
    const req: SubmitRequest = {
      kind: 'blender',
      scene,
      frames: argv.frames as string,
      nodes: argv.nodes as number,
      gpusPerNode: argv['gpus-per-node'] as number | undefined,
      chunk: argv.chunk as number,
      format: argv.format as 'PNG' | 'OPEN_EXR',
      name: argv.name as string | undefined,
      timeLimitMinutes: argv['time-limit'] as number,
      auto: argv.auto ? autoSpec(argv) : undefined,
    };
    await submitOrPreview(argv, req, (plan) => ({
      json: plan,
      lines: [
        `Would submit job ${plan.job.id}: ${plan.summary}, ${plan.job.gpusPerNode} GPU(s) per node`,
        ...plan.tasks.map(
          (t) =>
            `  ${t.stage.padEnd(7)} ${t.frames.length ? `frames ${t.frames.join(',')}` : '(after every frame)'}`,
        ),
        '',
        `sbatch ${plan.sbatch.args.join(' ')} <script>`,
        '',
        plan.sbatch.script,
      ],
    }));
  },
};

/** Parses 30m / 2h / 90s / 45 (seconds). */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${text} is not a duration: use 90s, 30m or 2h`);
  return Math.round(Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'] ?? 1));
}

export function autoSpec(argv: Record<string, unknown>): {
  min: number;
  max: number;
  targetFinishSeconds?: number;
} {
  const min = argv.min as number | undefined;
  const max = argv.max as number | undefined;
  if (min === undefined || max === undefined) throw new UsageError('--auto needs --min and --max');
  if (max < min) throw new UsageError(`--max (${max}) must be at least --min (${min})`);
  const target = argv['target-finish'] as string | undefined;
  return { min, max, ...(target ? { targetFinishSeconds: parseDuration(target) } : {}) };
}

export const submitCommand: CommandModule = {
  command: 'submit <kind>',
  describe: 'Submit a job to the coordinator',
  builder: (y) =>
    y
      .command(blender)
      .command(plenoxelsSubmit)
      .command(commandSubmit)
      .command(indexSubmit)
      .command(datasetSubmit)
      .demandCommand(
        1,
        'Name the kind of job: `cluster-tool submit blender SCENE.blend --frames 1-48`',
      ),
  handler: () => {},
};
