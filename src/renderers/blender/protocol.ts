import { z } from 'zod';
import { dependencySchema } from './dependencies.js';
import { sceneDenoisingSchema } from './denoiser.js';
import type { ImageFormat } from './formats.js';

/** Marks the worker's protocol lines on stdout (blender-python/worker.py prints the same). */
export const PROTOCOL_PREFIX = '@@CT@@ ';

/** Image formats the worker writes; named as Blender names them (see formats.ts). */
export type FrameFormat = ImageFormat;

/** Scene facts as the worker's ready line reports them (also what a submit's probe carries). */
export const sceneInfoSchema = z.object({
  name: z.string(),
  file: z.string(),
  fps: z.number(),
  fps_base: z.number(),
  frame_start: z.number(),
  frame_end: z.number(),
  frame_step: z.number(),
  resolution_x: z.number(),
  resolution_y: z.number(),
  resolution_percentage: z.number(),
  engine: z.string(),
  threads: z.number(),
  /** `scene.render.filepath` as saved: Blender's output pattern (`//render/shot_####`). */
  output_path: z.string(),
  /** The scene's own image format and colour depth (`image_settings`), as Blender names them. */
  file_format: z.string(),
  color_depth: z.string(),
  /** Whether the scene renders only its render region (`render.use_border`). */
  use_border: z.boolean(),
  /** `4.3`: the Blender version that saved the .blend (its header); absent from older workers. */
  saved_by: z.string().optional(),
  /** `3.4.1`: the version of the Blender that read it (the probe's: the nodes'). */
  blender_version: z.string().optional(),
  /**
   * A render engine the file names that this Blender lacks (an add-on's): Blender says so as it
   * loads (`Error: Engine 'X' not available ...`) and falls back to another; set by the probe.
   */
  engine_missing: z.string().nullable().optional(),
  /** The active camera's object name, and every camera object in the scene. */
  camera: z.string().nullable(),
  cameras: z.array(z.string()),
  /** Timeline markers bound to cameras switch the camera during the animation. */
  camera_markers: z.boolean(),
  /** Final-render samples of the engine (null for Workbench), its hard maximum, and whether
   * they are keyframed or driven (then `samples` is the value at the loaded frame). */
  samples: z.number().nullable(),
  samples_max: z.number().nullable(),
  samples_animated: z.boolean(),
  /** Added by a submit's probe (scene-info.ts), absent from the worker's own lines: every file
   * the scene needs, and its denoising. */
  dependencies: z.array(dependencySchema).optional(),
  denoising: sceneDenoisingSchema.optional(),
});

const deviceSchema = z.object({
  /** `CPU`, `CUDA`, `OPTIX`, or `NONE` when the engine is not Cycles. */
  type: z.string(),
  names: z.array(z.string()),
  reason: z.string(),
});

const appliedSchema = z.object({
  resolution_percentage: z.number().optional(),
  samples: z.number().optional(),
  camera: z.string().optional(),
  device: z.string().optional(),
  format: z.string().optional(),
  color_depth: z.string().optional(),
  denoiser: z.string().optional(),
});

const messageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    pid: z.number(),
    blender: z.string(),
    scene: sceneInfoSchema,
    device: deviceSchema,
    /** `disabled`: where the worker turned denoising off (this Blender lacks the denoiser);
     * the rest as `sceneDenoisingSchema` says (absent from an older worker). */
    denoising: z.object({
      was_on: z.boolean(),
      disabled: z.array(z.string()),
      asked: z.array(z.string()).optional(),
      denoiser: z.string().nullable().optional(),
      available: z.array(z.string()).optional(),
    }),
  }),
  z.object({ type: z.literal('deps'), id: z.number(), files: z.array(dependencySchema) }),
  z.object({
    type: z.literal('result'),
    id: z.number(),
    frame: z.number(),
    output: z.string(),
    seconds: z.number(),
    device: z.string(),
    /** What Blender wrote: file format and colour depth as it names them. */
    format: z.string().optional(),
    color_depth: z.string().optional(),
    /** The thumbnail asked for, once written; or why it could not be. */
    thumb: z.string().optional(),
    thumb_error: z.string().optional(),
  }),
  z.object({
    type: z.literal('configured'),
    id: z.number(),
    /** The overrides now in force, as Blender holds them (snake_case, depth as a string). */
    applied: appliedSchema,
    device: deviceSchema,
    scene: sceneInfoSchema,
  }),
  z.object({
    type: z.literal('merged'),
    id: z.number(),
    output: z.string(),
    seconds: z.number(),
    resolution: z.tuple([z.number(), z.number()]),
  }),
  z.object({
    type: z.literal('view'),
    id: z.number(),
    output: z.string(),
    /** The view camera's camera-to-world matrix as Blender holds it after the render, by rows. */
    matrix_world: z.array(z.array(z.number()).length(4)).length(4),
    /** Horizontal field of view of the image, radians (NeRF's `camera_angle_x`). */
    camera_angle_x: z.number(),
    /** The camera data's own `angle_x` (equal to the above for landscape images). */
    angle_x: z.number(),
    resolution: z.tuple([z.number(), z.number()]),
    seconds: z.number(),
    device: z.string(),
  }),
  z.object({
    type: z.literal('error'),
    id: z.number().nullable(),
    error: z.string(),
    log_tail: z.array(z.string()),
  }),
  z.object({ type: z.literal('fatal'), error: z.string() }),
  z.object({ type: z.literal('bye') }),
]);

/** Scene facts from the worker's ready line. */
export type SceneInfo = z.infer<typeof sceneInfoSchema>;
/** The Cycles device the worker chose, and why. */
export type RenderDevice = z.infer<typeof deviceSchema>;
/** One protocol message from the worker. */
export type WorkerMessage = z.infer<typeof messageSchema>;
/** The worker's answer to a `view` request. */
export type ViewMessage = Extract<WorkerMessage, { type: 'view' }>;
/** The worker's ready line: scene, device, and whether denoising had to be switched off. */
export type WorkerReady = Extract<WorkerMessage, { type: 'ready' }>;

/**
 * Reads one stdout line: a protocol message, or `undefined` for Blender's own output. The prefix
 * may follow other text, because Blender's C code can leave a line unfinished before it.
 */
export function parseWorkerLine(line: string): WorkerMessage | undefined {
  const at = line.indexOf(PROTOCOL_PREFIX);
  if (at < 0) return undefined;
  const parsed = messageSchema.safeParse(protocolJson(line, at));
  if (!parsed.success) {
    return { type: 'fatal', error: `unreadable worker message: ${line.slice(at, at + 300)}` };
  }
  return parsed.data;
}

/** The JSON after the protocol prefix (at `at`, else the first), or undefined: none or not JSON. */
export function protocolJson(line: string, at = line.indexOf(PROTOCOL_PREFIX)): unknown {
  if (at < 0) return undefined;
  try {
    return JSON.parse(line.slice(at + PROTOCOL_PREFIX.length));
  } catch {
    return undefined;
  }
}
