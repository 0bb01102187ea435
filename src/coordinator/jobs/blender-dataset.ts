import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../errors.js';
import {
  datasetViews,
  DEFAULT_RADIUS,
  splitCounts,
  SPLITS,
  transformsOf,
  type DatasetView,
  type RenderedView,
} from '../../renderers/blender/dataset.js';
import {
  absolutePath,
  checkCommonFields,
  MAIN_STAGE,
  mainStageTasks,
  wholeNumber,
} from './common-fields.js';
import type { JobType } from './job-type.js';
import { blenderWarmUp } from './blender-warm-up.js';
import { checkDenoising, checkDependencies, checkEngine } from './blender-inputs.js';
import {
  checkImageOverrides,
  checkOverrides,
  renderOverridesSchema,
  type RenderOverrides,
} from '../../renderers/blender/overrides.js';

const MAX_VIEWS = 10000;

/**
 * `--denoiser` checked as `submit blender` checks it (a choice the nodes' Blender has), and the
 * scene's own denoising refused when the nodes lack its denoiser and none was chosen.
 */
function denoiserOverride(
  denoiser: string | undefined,
  info: Parameters<typeof checkDenoising>[0],
): RenderOverrides {
  const o: RenderOverrides = denoiser !== undefined ? { denoiser } : {};
  const errors = info ? checkOverrides({ scene: info }, o) : checkImageOverrides(o);
  if (errors.length) throw new UsageError(errors.map((e) => e.message).join('; '));
  checkDenoising(info, o);
  return o;
}

/** A task's view as its payload carries it: the pose and the absolute image path. */
export interface ViewTask extends DatasetView {
  output: string;
}

const matrix = z.array(z.array(z.number()));

/** What a `blender-view` task carries: the scene and a few views, each a pose and an image path. */
export const blenderViewPayload = z.object({
  scene: z.string().min(1),
  outputDir: z.string().min(1),
  /** The denoiser asked for (`--denoiser`), as `submit blender` configures it. */
  overrides: renderOverridesSchema.optional(),
  views: z.array(
    z.object({
      split: z.enum(SPLITS),
      index: z.number().int(),
      file: z.string(),
      matrix,
      output: z.string().min(1),
    }),
  ),
});

/**
 * A NeRF-synthetic dataset of a Blender scene: its views split into `blender-view` tasks of a few
 * views each in one `main` stage; images go under the job's output directory, and the transforms
 * files are written once every view is in.
 */
export const blenderDatasetJob: JobType<'blender-dataset'> = {
  kind: 'blender-dataset',
  mainStage: MAIN_STAGE,
  progressUnit: 'views',
  allocation: 'per-node',
  panels: ['tasks'],
  payloads: { 'blender-view': blenderViewPayload },
  warmUp: blenderWarmUp,

  plan(req, { limits, dirs, files }) {
    const common = checkCommonFields(req, limits);
    const scene = absolutePath('scene', req.scene, 'file', files);
    if (!/\.blend$/i.test(scene)) throw new UsageError(`scene: ${scene} is not a .blend file`);
    const overrides = denoiserOverride(req.denoiser, req.sceneInfo);
    const warnings = [
      ...checkEngine(req.sceneInfo, limits),
      ...checkDependencies(req.sceneInfo, req.allowMissing === true, files),
    ];
    const views = wholeNumber('views', req.views, 1, MAX_VIEWS);
    const opt = (field: string, v: number | undefined) =>
      v === undefined ? undefined : wholeNumber(field, v, 0, MAX_VIEWS);
    const counts = splitCounts(
      views,
      opt('valViews', req.valViews),
      opt('testViews', req.testViews),
    );
    const radius = req.radius ?? DEFAULT_RADIUS;
    if (!Number.isFinite(radius) || radius <= 0)
      throw new UsageError(`radius must be a positive number (got ${JSON.stringify(radius)})`);
    const perTask = wholeNumber('viewsPerTask', req.viewsPerTask ?? 4, 1, MAX_VIEWS);
    const outputDir = dirs.outputDir;
    const all: ViewTask[] = datasetViews(counts, radius).map((v) => ({
      ...v,
      output: path.join(outputDir, v.file),
    }));
    const payloads: Record<string, unknown>[] = [];
    for (let i = 0; i < all.length; i += perTask)
      payloads.push({
        scene,
        outputDir,
        ...(overrides.denoiser !== undefined ? { overrides } : {}),
        views: all.slice(i, i + perTask),
      });
    const main = mainStageTasks('blender-view', payloads);
    const total = counts.train + counts.val + counts.test;
    return {
      kind: 'blender-dataset',
      name: common.name ?? `${path.basename(scene)} dataset`,
      request: {
        ...req,
        kind: 'blender-dataset',
        scene,
        views,
        valViews: counts.val,
        testViews: counts.test,
        radius,
        viewsPerTask: perTask,
        ...common,
        name: common.name,
      },
      nodes: common.nodes,
      gpusPerNode: common.gpusPerNode,
      ...main,
      ...(warnings.length ? { warnings } : {}),
      summary: `${total} view(s) (train ${counts.train}, val ${counts.val}, test ${counts.test}) in ${main.tasks.length} task(s) on ${common.nodes} node(s)`,
    };
  },

  outputsOf: (task) =>
    blenderViewPayload
      .parse(task.payload)
      .views.map((v) => ({ kind: 'image', format: 'PNG', path: v.output })),

  /** Once the job has succeeded: transforms_{train,val,test}.json from what Blender reported. */
  onJobEnded(job, tasks) {
    if (job.state !== 'succeeded') return { files: [], notes: [] };
    const views = tasks
      .filter((t) => t.stage === MAIN_STAGE && t.state === 'done')
      .flatMap((t) => (Array.isArray(t.result?.views) ? (t.result.views as RenderedView[]) : []));
    const all = transformsOf(views);
    const files = SPLITS.map((split) => ({
      path: path.join(job.outputDir, `transforms_${split}.json`),
      text: JSON.stringify(all[split], null, 2) + '\n',
    }));
    return {
      files,
      notes: [`transforms of ${views.length} view(s): ${files.map((f) => f.path).join(', ')}`],
    };
  },
};
