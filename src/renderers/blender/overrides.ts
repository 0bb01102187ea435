import { z } from 'zod';
import {
  BLENDER_DENOISER,
  DENOISER_CHOICES,
  denoiserRefusal,
  isDenoiserChoice,
} from './denoiser.js';
import { MAX_FRAME_NUMBER } from './frames.js';
import { COLOR_DEPTHS, IMAGE_FORMATS, isImageFormat, type ImageFormat } from './formats.js';
import type { SceneInfo } from './protocol.js';

/**
 * Per-job changes to the scene, applied in the loaded Blender before the first frame (the
 * worker's `configure` request), except `frameStep`, which the planner applies to the frames.
 * Loose on purpose: {@link checkOverrides} gives the messages that say what to change.
 */
export const renderOverridesSchema = z
  .object({
    /** `render.resolution_percentage`, 1..32767. */
    resolutionPercentage: z.number().optional(),
    /** Final-render samples: `cycles.samples` or `eevee.taa_render_samples`. */
    samples: z.number().optional(),
    /** A camera object's name. */
    camera: z.string().optional(),
    /** Every Nth frame of the range. */
    frameStep: z.number().optional(),
    /** Cycles device: the agent's GPU, the CPU, or the GPU when there is one (`auto`). */
    device: z.string().optional(),
    /** One of IMAGE_FORMATS; default PNG. */
    format: z.string().optional(),
    /** Bits per channel: 8 or 16 for PNG, 8 for JPEG, 16 (half) or 32 (float) for EXR. */
    colorDepth: z.number().optional(),
    /** Cycles denoising: `none` renders without, else with that denoiser (DENOISER_CHOICES). */
    denoiser: z.string().optional(),
  })
  .strict();

/** Overrides as a request or task payload carries them. */
export type RenderOverrides = z.infer<typeof renderOverridesSchema>;

/** One thing wrong with the overrides: which field, and what to change. */
export interface OverrideError {
  field: keyof RenderOverrides;
  message: string;
}

/** The overrides in the worker's own names (what `configure` takes); `frameStep` is not one. */
export interface WorkerOverrides {
  resolution_percentage?: number;
  samples?: number;
  camera?: string;
  device?: 'auto' | 'cpu' | 'gpu';
  format?: ImageFormat;
  color_depth?: string;
  /** `none`, `OPENIMAGEDENOISE` or `OPTIX` (blender-python/ct_denoise.py). */
  denoiser?: string;
}

/** Blender's hard limits on `resolution_percentage` (RNA `RenderSettings`). */
const PERCENT_MIN = 1;
const PERCENT_MAX = 32767;
const DEVICES = ['auto', 'cpu', 'gpu'] as const;

function isWhole(v: number, min: number, max: number): boolean {
  return Number.isInteger(v) && v >= min && v <= max;
}

/** The image size Blender renders at `percentage`: it rounds down (`xsch * size / 100`). */
export function finalResolution(scene: SceneInfo, percentage?: number): [number, number] {
  const p = percentage ?? scene.resolution_percentage;
  return [Math.floor((scene.resolution_x * p) / 100), Math.floor((scene.resolution_y * p) / 100)];
}

/**
 * Checks `overrides` against what the probe saw in the scene; returns every problem (none: `[]`).
 * Pure: the planner calls it at submit time so that a bad value never reaches a node.
 */
export function checkOverrides(
  probe: { scene: SceneInfo },
  overrides: RenderOverrides,
): OverrideError[] {
  const s = probe.scene;
  const errors: OverrideError[] = [];
  const bad = (field: keyof RenderOverrides, message: string) => errors.push({ field, message });
  const o = overrides;
  if (o.resolutionPercentage !== undefined) {
    const p = o.resolutionPercentage;
    if (!isWhole(p, PERCENT_MIN, PERCENT_MAX))
      bad(
        'resolutionPercentage',
        `resolution percentage ${p}: give a whole number from 1 to 32767`,
      );
    else if (finalResolution(s, p).some((n) => n < 1))
      bad(
        'resolutionPercentage',
        `resolution percentage ${p}: the ${s.resolution_x}×${s.resolution_y} image would have ` +
          `no pixels; give at least ${Math.ceil(100 / Math.min(s.resolution_x, s.resolution_y))}`,
      );
  }
  if (o.samples !== undefined) {
    const max = s.samples_max;
    if (max === null)
      bad('samples', `samples: the scene renders with ${s.engine}, which has no sample count`);
    else if (!isWhole(o.samples, 1, max))
      bad('samples', `samples ${o.samples}: give a whole number from 1 to ${max}`);
  }
  if (o.camera !== undefined && !s.cameras.includes(o.camera)) {
    const has = s.cameras.length
      ? `it has ${s.cameras.map((c) => `"${c}"`).join(', ')}`
      : 'it has none';
    bad('camera', `camera "${o.camera}": the scene has no camera object of that name; ${has}`);
  }
  if (o.device !== undefined) {
    if (!(DEVICES as readonly string[]).includes(o.device))
      bad('device', `device ${JSON.stringify(o.device)}: use gpu, cpu or auto`);
    else if (o.device !== 'auto' && s.engine !== 'CYCLES')
      bad(
        'device',
        `device ${o.device}: only Cycles chooses a device (the scene uses ${s.engine})`,
      );
  }
  const denoiser = o.denoiser !== undefined && isDenoiserChoice(o.denoiser) ? o.denoiser : null;
  const refused = denoiser && denoiserRefusal(denoiser, s.engine, s.denoising?.available);
  if (refused) bad('denoiser', refused);
  errors.push(...checkImageOverrides(o));
  return errors;
}

/**
 * The checks that need no scene: frame step, format and colour depth. For requests that carry no
 * probe of the scene; {@link checkOverrides} includes them.
 */
export function checkImageOverrides(o: RenderOverrides): OverrideError[] {
  const errors: OverrideError[] = [];
  const bad = (field: keyof RenderOverrides, message: string) => errors.push({ field, message });
  if (o.frameStep !== undefined && !isWhole(o.frameStep, 1, MAX_FRAME_NUMBER))
    bad('frameStep', `frame step ${o.frameStep}: give a whole number, 1 or more`);
  if (o.denoiser !== undefined && !isDenoiserChoice(o.denoiser))
    bad('denoiser', `denoiser ${JSON.stringify(o.denoiser)}: use ${DENOISER_CHOICES.join(', ')}`);
  checkImage(o, bad);
  return errors;
}

function checkImage(
  o: RenderOverrides,
  bad: (field: keyof RenderOverrides, message: string) => void,
): void {
  if (o.format !== undefined && !isImageFormat(o.format)) {
    bad('format', `format ${JSON.stringify(o.format)}: use one of ${IMAGE_FORMATS.join(', ')}`);
    return;
  }
  const format: ImageFormat = o.format ?? 'PNG';
  const depths = COLOR_DEPTHS[format];
  if (o.colorDepth !== undefined && !depths.includes(o.colorDepth))
    bad(
      'colorDepth',
      `color depth ${o.colorDepth}: ${format} is written at ${depths.join(' or ')} bits` +
        (format === 'JPEG' ? '; use PNG or OPEN_EXR for more' : ''),
    );
}

/** The worker's `configure` overrides for checked `overrides` (frameStep stays with the planner). */
export function toWorkerOverrides(overrides: RenderOverrides): WorkerOverrides {
  const o = overrides;
  const out: WorkerOverrides = {};
  if (o.resolutionPercentage !== undefined) out.resolution_percentage = o.resolutionPercentage;
  if (o.samples !== undefined) out.samples = o.samples;
  if (o.camera !== undefined) out.camera = o.camera;
  if (o.device !== undefined) out.device = o.device as WorkerOverrides['device'];
  if (o.format !== undefined) out.format = o.format as ImageFormat;
  if (o.colorDepth !== undefined) out.color_depth = String(o.colorDepth);
  if (o.denoiser !== undefined && isDenoiserChoice(o.denoiser))
    out.denoiser = BLENDER_DENOISER[o.denoiser];
  return out;
}

/** Every `step`th of `frames` (sorted), counting from the first, as Blender's frame step does. */
export function stepFrames(frames: readonly number[], step: number): number[] {
  if (!isWhole(step, 1, MAX_FRAME_NUMBER)) throw new RangeError(`frame step ${step}`);
  const first = frames[0];
  return first === undefined ? [] : frames.filter((f) => (f - first) % step === 0);
}

/** The scene's own frame range, every `step`th frame (default the scene's `frame_step`). */
export function sceneFrames(scene: SceneInfo, step?: number): number[] {
  const by = step ?? Math.max(1, scene.frame_step);
  const frames: number[] = [];
  for (let f = Math.max(0, scene.frame_start); f <= scene.frame_end; f += by) frames.push(f);
  return frames;
}
