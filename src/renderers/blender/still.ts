import path from 'node:path';
import { z } from 'zod';
import { isImageFormat } from './formats.js';
import { finalResolution, renderOverridesSchema } from './overrides.js';
import type { SceneInfo } from './protocol.js';
import { planTiles, tileFileName, type Tile } from './tiles.js';
import type { BlenderWorker, MergeResult, MergeTile } from './worker.js';

/**
 * The two task kinds of a tiled still: `blender-tile` renders some tiles of one frame to float
 * EXRs (scene-linear, 32-bit, RGBA: nothing is lost before the merge), and `blender-merge`
 * stitches them into the still, saved in the job's format through the scene's colour
 * management, as a single render of the frame would have been. Both payloads carry the grid,
 * not the tiles, so the planner and the agents derive the same tiles from one function.
 */

const geometry = {
  scene: z.string().min(1),
  frame: z.number().int().min(0),
  /** The final image size (after the resolution percentage), as the planner computed it. */
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  columns: z.number().int().min(1),
  rows: z.number().int().min(1),
  overlap: z.number().int().min(0),
  /** Absolute folder of the tile EXRs (inside the job's directory). */
  tilesDir: z.string().min(1),
  overrides: renderOverridesSchema.optional(),
};

/** Payload of a `blender-tile` task: which tiles (indices) it renders. */
export const tileTaskPayloadSchema = z.object({
  ...geometry,
  tiles: z.array(z.number().int().min(0)).min(1),
});
/** Payload of a `blender-merge` task: the still's file (absolute), and the output root it is in. */
export const mergeTaskPayloadSchema = z.object({
  ...geometry,
  output: z.string().min(1),
  outputDir: z.string().min(1).optional(),
});

export type TileTaskPayload = z.infer<typeof tileTaskPayloadSchema>;
export type MergeTaskPayload = z.infer<typeof mergeTaskPayloadSchema>;

/** One rendered tile. */
export interface RenderedTile {
  index: number;
  file: string;
  seconds: number;
  device: string;
}

/** The tiles of the payload's grid. */
export function stillTiles(
  p: Pick<TileTaskPayload, 'width' | 'height' | 'columns' | 'rows' | 'overlap'>,
): Tile[] {
  return planTiles(p.width, p.height, { columns: p.columns, rows: p.rows }, p.overlap);
}

/** Throws unless the configured scene renders the size the tiles were planned for. */
export function checkStillSize(
  scene: SceneInfo,
  p: Pick<TileTaskPayload, 'width' | 'height'>,
): void {
  const [w, h] = finalResolution(scene);
  if (w !== p.width || h !== p.height)
    throw new Error(
      `the scene renders ${w}×${h} here, but the tiles were planned for ${p.width}×${p.height}`,
    );
}

/**
 * Renders the payload's tiles through `worker` (already configured with the job's overrides).
 * `aborted` is asked between tiles, so a lost lease stops after the tile in hand.
 */
export async function renderTiles(
  worker: BlenderWorker,
  p: TileTaskPayload,
  aborted: () => boolean = () => false,
): Promise<RenderedTile[]> {
  const tiles = stillTiles(p);
  const done: RenderedTile[] = [];
  for (const index of p.tiles) {
    const tile = tiles[index];
    if (!tile) throw new Error(`tile ${index} is not in a ${p.columns}x${p.rows} grid`);
    if (aborted()) throw new Error('stopped: the lease was lost');
    const file = path.join(p.tilesDir, tileFileName(p.frame, tile));
    const r = await worker.render(p.frame, file, 'OPEN_EXR', {
      colorDepth: 32,
      colorMode: 'RGBA',
      border: tile.border,
    });
    done.push({ index, file: r.file, seconds: r.seconds, device: r.device });
  }
  return done;
}

/** What the worker's merge needs of each tile: its file, where it sits, and its core. */
export function mergeTiles(tiles: readonly Tile[], frame: number, tilesDir: string): MergeTile[] {
  return tiles.map((t) => ({
    file: path.join(tilesDir, tileFileName(frame, t)),
    x: t.rect.x0,
    y: t.rect.y0,
    width: t.rect.x1 - t.rect.x0,
    height: t.rect.y1 - t.rect.y0,
    core: [t.core.x0, t.core.y0, t.core.x1, t.core.y1],
  }));
}

/** Stitches every tile into `p.output`, in the configured format (the job's `format`). */
export function mergeStill(worker: BlenderWorker, p: MergeTaskPayload): Promise<MergeResult> {
  const format = p.overrides?.format;
  return worker.merge({
    output: p.output,
    width: p.width,
    height: p.height,
    tiles: mergeTiles(stillTiles(p), p.frame, p.tilesDir),
    format: isImageFormat(format) ? format : undefined,
    colorDepth: p.overrides?.colorDepth,
  });
}
