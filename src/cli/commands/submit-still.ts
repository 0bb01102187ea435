import type { CommandModule } from 'yargs';
import type {
  BlenderStillPlanned,
  BlenderStillSubmitRequest,
  SubmitRequest,
} from '../../api/types.js';
import { parseTiles } from '../../renderers/blender/tiles.js';
import { withCoordinatorOptions } from '../connection.js';
import { localInput } from '../inputs.js';
import { ranRemotely, withClusterOption } from '../remote.js';
import { followSubmit } from '../remote-follow.js';
import { checkSceneFile, outputFieldsFromArgs, withRenderOptions } from './blender-options.js';
import { submitBlender } from './submit-scene.js';
import { withJobOptions, type JobPreview, type LocalPreview } from './submit-job.js';

/** What `--dry-run` prints of a still's plan: the grid, the size and where the still goes. */
function describeStill(plan: JobPreview | LocalPreview): { json: unknown; lines: string[] } {
  const p: BlenderStillPlanned | undefined = (plan.spec as BlenderStillSubmitRequest | undefined)
    ?.planned;
  const lines = [`Would submit job ${plan.job.id}: ${plan.summary}`];
  if (p)
    lines.push(
      `  still     ${plan.job.outputDir}/${p.file.replace(/^output\//, '')}, ${p.resolution.join('×')} ${p.format}`,
      `  tiles     ${p.columns}x${p.rows}, ${p.overlap} px overlap, one task each, then one merge`,
    );
  for (const e of plan.events ?? [])
    if (e.type === 'render:overrides') lines.push(`  ${e.message}`);
  if (plan.sbatch)
    lines.push('', `sbatch ${plan.sbatch.args.join(' ')} <script>`, '', plan.sbatch.script);
  return { json: plan, lines };
}

/**
 * `cluster-tool submit blender-still SCENE.blend --frame 12 --tiles 4x4`: one frame split into
 * tiles, one task per tile across every GPU, then a merge into one image the size of a single
 * render.
 */
export const stillSubmit: CommandModule = {
  command: 'blender-still <scene>',
  describe: 'Render one frame of a Blender scene as tiles across the GPUs, merged into one image',
  builder: (y) =>
    withRenderOptions(
      withJobOptions(
        withCoordinatorOptions(withClusterOption(y)),
        "Print the coordinator's plan (tiles, size, output), made here when none answers; submit and write nothing",
      ),
    )
      .positional('scene', { type: 'string', demandOption: true, describe: 'The .blend file' })
      .option('frame', {
        type: 'number',
        describe: 'The frame to render',
        defaultDescription: "the scene's first frame",
      })
      .option('tiles', {
        type: 'string',
        demandOption: true,
        describe: 'The grid, columns x rows: 4x4',
      })
      .option('overlap', {
        type: 'number',
        describe: 'Pixels each tile renders past its edges, for filters and adaptive sampling',
        defaultDescription: '8',
      }),
  handler: async (argv) => {
    if (
      await ranRemotely('submit blender-still', argv, {
        positional: ['scene'],
        shot: 'scene',
        follow: followSubmit,
      })
    )
      return;
    const scene = checkSceneFile(await localInput(argv.scene as string, argv));
    parseTiles(argv.tiles as string);
    const req: SubmitRequest = {
      kind: 'blender-still',
      ...outputFieldsFromArgs(argv, scene),
      ...(argv.frame !== undefined ? { frame: argv.frame as number } : {}),
      tiles: argv.tiles as string,
      ...(argv.overlap !== undefined ? { overlap: argv.overlap as number } : {}),
      nodes: argv.nodes as number,
      gpusPerNode: argv['gpus-per-node'] as number | undefined,
    };
    await submitBlender(argv, req, describeStill);
  },
};
