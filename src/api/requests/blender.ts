import { z } from 'zod';
import type { ImageFormat } from '../../renderers/blender/formats.js';
import { renderOverridesSchema } from '../../renderers/blender/overrides.js';
import { sceneInfoSchema, type SceneInfo } from '../../renderers/blender/protocol.js';
import { ABSOLUTE_PATH, commonFields } from './common.js';

/** What the plan of a Blender render decided, kept in the job's spec for `status` and the viewer. */
export interface BlenderPlanned {
  /** Frames rendered by this job, in order. */
  frames: number[];
  /** Frames already whole in the output, not rendered again (empty with `overwrite`). */
  skipped: number[];
  /** The output pattern used, and whether it came from the request, the scene or the default. */
  pattern: string;
  patternSource: 'request' | 'scene' | 'default';
  /** The image size each frame is written at (after the resolution percentage); null unknown. */
  resolution: [number, number] | null;
  format: ImageFormat;
  /** Every frame's file (rendered or skipped) as the files route serves it, by frame number:
   * `{"12": "output/render/shot_0012.png"}`. */
  files: Record<string, string>;
}

/** What the plan of a tiled still decided, kept in the job's spec. */
export interface BlenderStillPlanned {
  frame: number;
  columns: number;
  rows: number;
  overlap: number;
  /** The merged image's size, that of a single render of the frame. */
  resolution: [number, number];
  format: ImageFormat;
  /** The still as the files route serves it (`output/shot_0012.png`). */
  file: string;
  pattern: string;
  patternSource: 'request' | 'scene' | 'default';
}

export const BLENDER_FRAME_ORDERS = ['costliest-first', 'frames'] as const;
export type BlenderFrameOrder = (typeof BLENDER_FRAME_ORDERS)[number];

const BLEND_FILE = 'give the path of a .blend file';

/** A probe of the scene, refused in words that say where a good one comes from. */
const sceneProbe = z.unknown().transform((v, ctx): SceneInfo => {
  const r = sceneInfoSchema.safeParse(v);
  if (r.success) return r.data;
  ctx.issues.push({
    code: 'custom',
    input: v,
    message:
      `not what a probe of the scene gives (${r.error.issues[0]?.message ?? 'invalid'}); ` +
      'let `cluster-tool submit` probe the scene',
  });
  return z.NEVER;
});

/**
 * Where a Blender job writes and how it renders; shared by animations and stills. The scene facts
 * come from probing the .blend on the head node (`cluster-tool submit` does it), so that the plan
 * can check overrides and name files without loading Blender itself.
 */
export const blenderOutputFields = commonFields.extend({
  /** Absolute path of the .blend file as the head node sees it. */
  scene: z.string({ error: BLEND_FILE }).min(1, BLEND_FILE),
  /** The output root (`--output`): a writable directory the compute nodes share, created when
   * missing; default <state>/jobs/<id>/output. */
  outputDir: z.string().optional(),
  /** Blender's output path syntax (`render/shot_####`), relative to the output root; default the
   * scene's own output path when it names one, else `frame_####`. */
  outputPattern: z.string({ error: 'give a pattern such as render/shot_####' }).optional(),
  /** Changes applied in the loaded Blender before the first frame (`format` included). */
  overrides: renderOverridesSchema.optional(),
  /** The image format; the same as `overrides.format` (either may be given). */
  format: z.string().optional(),
  /** Render frames whose files are already whole in the output (default: skip them). */
  overwrite: z.boolean({ error: 'true or false' }).optional(),
  /** What the head node's probe of `scene` found (cameras, resolution, samples, output path,
   * the files it needs and its denoising). */
  sceneInfo: sceneProbe.optional(),
  /** Render even though files the scene needs are missing (`sceneInfo.dependencies`); the
   * job's history names them. Default: refused. */
  allowMissing: z.boolean({ error: 'allowMissing: true or false' }).optional(),
});

/** A Blender render: `render` (frame chunks) then `encode`. */
export const blenderRequest = blenderOutputFields.extend({
  kind: z.literal('blender'),
  /** Frame spec: `1-240`, `1-240x2`, `1,5,9-12` (a lone frame may be a number); default the
   * scene's frame range. */
  frames: z
    .union([z.string(), z.number()])
    .transform((f) => String(f))
    .optional(),
  /** Frames per task (default 1). */
  chunk: z.number().optional(),
  /**
   * Which frames are leased first: `costliest-first` (the default: a spread sample of frames,
   * then each remaining frame by the cost of the nearest one rendered, costliest first, so the
   * job does not end on its costliest frames) or `frames` (in frame order).
   */
  order: z
    .enum(BLENDER_FRAME_ORDERS, { error: `one of ${BLENDER_FRAME_ORDERS.join(', ')}` })
    .optional(),
  /** Filled in by the plan (a submitted value is replaced). */
  planned: z.custom<BlenderPlanned>().optional(),
});

/** One heavy frame split into tiles, one task each, then a merge into one image. */
export const blenderStillRequest = blenderOutputFields.extend({
  kind: z.literal('blender-still'),
  /** The frame to render; default the scene's first frame. */
  frame: z.number().optional(),
  /** The grid, `4x4` (columns x rows). */
  tiles: z.string({ error: 'give the grid, e.g. 4x4' }),
  /** Pixels each tile renders beyond its share on inner sides (default 8). */
  overlap: z.number().optional(),
  /** Filled in by the plan (a submitted value is replaced). */
  planned: z.custom<BlenderStillPlanned>().optional(),
});

/**
 * A NeRF-synthetic dataset rendered from a Blender scene (renderers/blender/dataset.ts has the
 * poses and the layout).
 */
export const blenderDatasetRequest = commonFields.extend({
  kind: z.literal('blender-dataset'),
  /** Absolute path of the .blend file. */
  scene: z.string({ error: ABSOLUTE_PATH }),
  /** Training views, 1-10000. */
  views: z.number(),
  /** Validation and test views; default a tenth of `views` each, rounded up. */
  valViews: z.number().optional(),
  testViews: z.number().optional(),
  /** Camera distance from the origin (default 4). */
  radius: z.number().optional(),
  /** Views each task renders (default 4). */
  viewsPerTask: z.number().optional(),
  /** Cycles denoising: `none` renders without, else with that denoiser (as `submit blender`). */
  denoiser: z.string().optional(),
  /** The head node's probe of `scene` (the files it reads); absent: not checked. */
  sceneInfo: sceneProbe.optional(),
  /** Render even though files the scene reads are missing (the history names them). */
  allowMissing: z.boolean({ error: 'allowMissing: true or false' }).optional(),
});
