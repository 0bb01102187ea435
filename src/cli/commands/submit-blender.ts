import type { CommandModule } from 'yargs';
import {
  BLENDER_FRAME_ORDERS,
  type BlenderFrameOrder,
  type BlenderPlanned,
  type BlenderSubmitRequest,
  type SubmitRequest,
} from '../../api/types.js';
import { UsageError } from '../../errors.js';
import { formatFrames } from '../../renderers/blender/frames.js';
import { withCoordinatorOptions } from '../connection.js';
import { localInput } from '../inputs.js';
import { ranRemotely, withClusterOption } from '../remote.js';
import { followSubmit } from '../remote-follow.js';
import { autoSpec, withAutoOptions } from './auto-options.js';
import { checkSceneFile, outputFieldsFromArgs, withRenderOptions } from './blender-options.js';
import { submitBlender } from './submit-scene.js';
import { withJobOptions, type JobPreview, type LocalPreview } from './submit-job.js';

/** What `--dry-run` prints of a render's plan: output, overrides, skipped frames, tasks. */
export function describeRender(plan: JobPreview | LocalPreview): {
  json: unknown;
  lines: string[];
} {
  const spec = plan.spec as BlenderSubmitRequest | undefined;
  const p: BlenderPlanned | undefined = spec?.planned;
  const lines = [
    `Would submit job ${plan.job.id}: ${plan.summary}, ${plan.job.gpusPerNode} GPU(s) per node`,
  ];
  if (p) {
    const files = Object.values(p.files).map((f) => f.replace(/^output\//, ''));
    const span = files.length > 1 ? ` … ${files[files.length - 1]}` : '';
    lines.push(
      `  output    ${plan.job.outputDir}: ${files[0] ?? ''}${span}, ${p.format}` +
        (p.resolution ? ` at ${p.resolution.join('×')}` : '') +
        ` (pattern ${JSON.stringify(p.pattern)} from the ${p.patternSource})`,
    );
    if (p.skipped.length)
      lines.push(
        `  skipped   ${formatFrames(p.skipped)} (already whole; --overwrite renders them)`,
      );
  }
  for (const e of plan.events ?? [])
    if (e.type === 'render:overrides') lines.push(`  ${e.message}`);
  if (spec?.order === 'costliest-first' && plan.tasks.length > 2)
    lines.push(
      '  order     a spread sample of frames first, then the costliest expected first ' +
        '(--order frames: in frame order)',
    );
  lines.push(
    ...plan.tasks.map(
      (t) =>
        `  ${t.stage.padEnd(9)} ${t.frames.length ? `frames ${formatFrames(t.frames)}` : '(after every frame)'}`,
    ),
  );
  if (plan.sbatch)
    lines.push(
      '',
      `sbatch ${plan.sbatch.args.join(' ')} <script>` +
        (plan.sbatch.count > 1 ? `   (× ${plan.sbatch.count}: one Slurm job per node)` : ''),
      '',
      plan.sbatch.script,
    );
  return { json: plan, lines };
}

/**
 * `cluster-tool submit blender SCENE.blend --frames 1-240`: renders every frame across the
 * cluster's GPUs, then encodes an MP4. See submit-scene.ts for what is done on the head node.
 */
export const blenderSubmit: CommandModule = {
  command: 'blender <scene>',
  describe: 'Render a Blender scene across the cluster, then encode an MP4',
  builder: (y) =>
    withAutoOptions(
      withRenderOptions(
        withJobOptions(
          withCoordinatorOptions(withClusterOption(y)),
          "Print the coordinator's plan (output, overrides, frames skipped, tasks), made here when none answers; submit and write nothing",
        ),
      )
        .positional('scene', { type: 'string', demandOption: true, describe: 'The .blend file' })
        .option('frames', {
          type: 'string',
          describe: 'Frames: 1-240, 1-240x2 (every 2nd), 1,5,9-12',
          defaultDescription: "the scene's frame range",
        })
        .option('frame-step', { type: 'number', describe: 'Render every Nth frame of --frames' })
        .option('chunk', { type: 'number', default: 1, describe: 'Frames per task' })
        .option('order', {
          choices: BLENDER_FRAME_ORDERS,
          default: 'costliest-first',
          describe:
            'Which frames go first: costliest-first (a spread sample of frames, then the rest by ' +
            'the cost of the nearest frame rendered, costliest first, so the job does not end on ' +
            'its costliest frames) or frames (in frame order)',
        }),
    ),
  handler: async (argv) => {
    if (
      await ranRemotely('submit blender', argv, {
        positional: ['scene'],
        shot: 'scene',
        follow: followSubmit,
      })
    )
      return;
    const scene = checkSceneFile(await localInput(argv.scene as string, argv));
    if ((argv.chunk as number) < 1 || !Number.isInteger(argv.chunk))
      throw new UsageError(
        `--chunk must be a whole number of at least 1 (got ${String(argv.chunk)})`,
      );
    const req: SubmitRequest = {
      kind: 'blender',
      ...outputFieldsFromArgs(argv, scene),
      ...(argv.frames !== undefined ? { frames: argv.frames as string } : {}),
      nodes: argv.nodes as number,
      gpusPerNode: argv['gpus-per-node'] as number | undefined,
      chunk: argv.chunk as number,
      order: argv.order as BlenderFrameOrder,
      auto: argv.auto ? autoSpec(argv) : undefined,
    };
    await submitBlender(argv, req, describeRender);
  },
};
