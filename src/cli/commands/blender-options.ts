import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import type { BlenderOutputFields } from '../../api/types.js';
import { UsageError } from '../../errors.js';
import { DENOISER_CHOICES } from '../../renderers/blender/denoiser.js';
import { IMAGE_FORMATS } from '../../renderers/blender/formats.js';
import type { RenderOverrides } from '../../renderers/blender/overrides.js';

/**
 * The flags `submit blender` and `submit blender-still` share: where frames go, what to change
 * in the scene, whether to render again what is there, and the cluster's shape for a dry run.
 */
export function withRenderOptions<T>(y: Argv<T>) {
  return y
    .option('output', {
      type: 'string',
      describe:
        'Directory for the frames and the video, shared with the compute nodes; created (with its ' +
        'parents) when missing',
      defaultDescription: "the job's own output directory",
    })
    .option('output-pattern', {
      type: 'string',
      describe: "File names in Blender's syntax, under --output: render/shot_#### (#: the frame)",
      defaultDescription: "the scene's output path, else frame_####",
    })
    .option('resolution-percentage', { type: 'number', describe: 'Render at this % of the size' })
    .option('samples', { type: 'number', describe: 'Render samples per pixel' })
    .option('camera', { type: 'string', describe: 'Render through this camera object' })
    .option('device', {
      choices: ['gpu', 'cpu', 'auto'] as const,
      describe: "Cycles device: each agent's GPU, the CPU, or the GPU when there is one",
    })
    .option('format', {
      choices: IMAGE_FORMATS,
      describe: 'Image format',
      defaultDescription: 'PNG',
    })
    .option('color-depth', { type: 'number', describe: 'Bits per channel (8/16 PNG, 16/32 EXR)' })
    .option('denoiser', {
      choices: DENOISER_CHOICES,
      describe:
        "Cycles denoising: none renders without it, else with that denoiser (the nodes' Blender " +
        "must have it; Debian's has neither). Needed when the scene denoises with one the " +
        "cluster's Blender lacks",
      defaultDescription: "the scene's own",
    })
    .option('allow-missing', {
      type: 'boolean',
      default: false,
      describe:
        'Render even though files the scene needs (textures, libraries, caches) are missing; ' +
        "the job's history names them",
    })
    .option('overwrite', {
      type: 'boolean',
      default: false,
      describe: 'Render frames that are already whole in --output again',
    })
    .option('nodes-available', {
      type: 'number',
      describe:
        'With --dry-run and no coordinator: plan for a partition of this many nodes instead of asking Slurm',
    })
    .option('partition', {
      type: 'string',
      describe:
        'With --dry-run and no coordinator: the Slurm partition to read the shape of (sinfo)',
    });
}

/** The overrides the flags ask for (only those given). */
export function overridesFromArgs(argv: Record<string, unknown>): RenderOverrides {
  const o: RenderOverrides = {};
  const num = (k: string) => argv[k] as number | undefined;
  const text = (k: string) => argv[k] as string | undefined;
  if (num('resolution-percentage') !== undefined)
    o.resolutionPercentage = num('resolution-percentage');
  if (num('samples') !== undefined) o.samples = num('samples');
  if (text('camera') !== undefined) o.camera = text('camera');
  if (num('frame-step') !== undefined) o.frameStep = num('frame-step');
  if (text('device') !== undefined) o.device = text('device');
  if (text('format') !== undefined) o.format = text('format');
  if (num('color-depth') !== undefined) o.colorDepth = num('color-depth');
  if (text('denoiser') !== undefined) o.denoiser = text('denoiser');
  return o;
}

/** The request fields the flags give, for any Blender kind (the probe is added later). */
export function outputFieldsFromArgs(
  argv: Record<string, unknown>,
  scene: string,
): BlenderOutputFields {
  const overrides = overridesFromArgs(argv);
  const output = argv.output as string | undefined;
  const pattern = argv['output-pattern'] as string | undefined;
  return {
    scene,
    // '' stays '' for the plan to refuse; path.resolve would make it the working directory.
    ...(output !== undefined ? { outputDir: output === '' ? '' : path.resolve(output) } : {}),
    ...(pattern !== undefined ? { outputPattern: pattern } : {}),
    ...(Object.keys(overrides).length ? { overrides } : {}),
    overwrite: Boolean(argv.overwrite),
    ...(argv['allow-missing'] ? { allowMissing: true } : {}),
    name: argv.name as string | undefined,
    timeLimitMinutes: argv['time-limit'] as number,
  };
}

/** The scene argument as an absolute path to an existing .blend file. */
export function checkSceneFile(scene: string): string {
  const abs = path.resolve(scene);
  if (!/\.blend$/i.test(abs)) throw new UsageError(`${scene} is not a .blend file`);
  if (!existsSync(abs) || !statSync(abs).isFile())
    throw new UsageError(`scene ${scene} does not exist`);
  return abs;
}
