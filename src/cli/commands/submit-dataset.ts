import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { dependencyLines } from '../../renderers/blender/dependencies.js';
import { DENOISER_CHOICES } from '../../renderers/blender/denoiser.js';
import { probeScene } from '../../renderers/blender/scene-info.js';
import { UsageError } from '../../errors.js';
import type { SubmitRequest } from '../../api/types.js';
import { withCoordinatorOptions } from '../connection.js';
import { localInput } from '../inputs.js';
import { ranRemotely, withClusterOption } from '../remote.js';
import { followSubmit } from '../remote-follow.js';
import { submitOrPreview, withJobOptions } from './submit-job.js';

interface PreviewView {
  split: string;
  index: number;
  file: string;
  matrix: number[][];
}

/**
 * `cluster-tool submit blender-dataset SCENE.blend --views 100`: renders a NeRF-synthetic dataset
 * (train/val/test images and transforms_*.json) of the scene across the cluster's GPUs.
 */
export const datasetSubmit: CommandModule = {
  command: 'blender-dataset <scene>',
  describe:
    'Render a NeRF-synthetic dataset (transforms_*.json, train/ val/ test/) of a Blender scene',
  builder: (y) =>
    withJobOptions(
      withCoordinatorOptions(withClusterOption(y)),
      'List the views and their poses; submit nothing',
    )
      .positional('scene', { type: 'string', demandOption: true, describe: 'The .blend file' })
      .option('views', {
        type: 'number',
        demandOption: true,
        describe: 'Training views; val and test get a tenth as many each unless given',
      })
      .option('val-views', { type: 'number', describe: 'Validation views' })
      .option('test-views', { type: 'number', describe: 'Test views (an orbit at 30°)' })
      .option('radius', {
        type: 'number',
        default: 4,
        describe: "Camera distance from the scene's origin",
      })
      .option('views-per-task', { type: 'number', default: 4, describe: 'Views per task' })
      .option('denoiser', {
        choices: DENOISER_CHOICES,
        describe:
          "Cycles denoising: none renders without it, else with that denoiser (the nodes' " +
          "Blender must have it; Debian's has neither). Needed when the scene denoises with one " +
          "the cluster's Blender lacks",
        defaultDescription: "the scene's own",
      })
      .option('allow-missing', {
        type: 'boolean',
        default: false,
        describe:
          "Render even though files the scene reads are missing; the job's history names them",
      }),
  handler: async (argv) => {
    if (
      await ranRemotely('submit blender-dataset', argv, {
        positional: ['scene'],
        shot: 'scene',
        follow: followSubmit,
      })
    )
      return;
    const scene = path.resolve(await localInput(argv.scene as string, argv));
    if (!/\.blend$/i.test(scene))
      throw new UsageError(`${argv.scene as string} is not a .blend file`);
    if (!existsSync(scene) || !statSync(scene).isFile())
      throw new UsageError(`scene ${argv.scene as string} does not exist`);
    // The files the scene reads, for the plan to refuse missing ones (jobs/blender-inputs.ts).
    const probe = await probeScene(scene);
    const req: SubmitRequest = {
      kind: 'blender-dataset',
      scene,
      views: argv.views as number,
      ...(argv['val-views'] !== undefined ? { valViews: argv['val-views'] as number } : {}),
      ...(argv['test-views'] !== undefined ? { testViews: argv['test-views'] as number } : {}),
      radius: argv.radius as number,
      viewsPerTask: argv['views-per-task'] as number,
      ...(argv.denoiser !== undefined ? { denoiser: argv.denoiser as string } : {}),
      nodes: argv.nodes as number,
      gpusPerNode: argv['gpus-per-node'] as number | undefined,
      name: argv.name as string | undefined,
      timeLimitMinutes: argv['time-limit'] as number,
      sceneInfo: probe.scene,
      ...(argv['allow-missing'] ? { allowMissing: true } : {}),
    };
    await submitOrPreview(argv, req, (plan) => {
      const views = plan.tasks.flatMap((t) => (t.payload.views ?? []) as PreviewView[]);
      return {
        json: { job: plan.job, summary: plan.summary, views, sbatch: plan.sbatch },
        lines: [
          `Would submit job ${plan.job.id}: ${plan.summary}, into ${plan.job.outputDir}`,
          ...views.map((v) => {
            const eye = v.matrix.slice(0, 3).map((row) => (row[3] ?? 0).toFixed(3));
            return `  ${v.file.padEnd(16)} camera at (${eye.join(', ')})`;
          }),
          `  files     ${probe.dependencies.length} the scene reads:`,
          ...dependencyLines(probe.dependencies).map((l) => `    ${l}`),
        ],
      };
    });
  },
};
