import path from 'node:path';
import { runCommand } from '../../../process/run.js';
import { checkStillSize, renderTiles, stillTiles } from '../../../renderers/blender/still.js';
import { tilePreviewArgs } from '../../../renderers/blender/tile-preview.js';
import type { Tile } from '../../../renderers/blender/tiles.js';
import { blenderTilePayload } from '../../../coordinator/jobs/blender-still.js';
import { payloadOf, type RunContext } from '../../runner.js';
import type { BlenderTaskHandler } from './handler.js';

/**
 * Writes a tile's PNG preview for the still's page (see renderers/blender/tile-preview.ts). Only
 * a picture: a failure is noted in the task's log and the tile counts all the same.
 */
async function writePreview(exr: string, tile: Tile, ctx: RunContext): Promise<void> {
  try {
    await runCommand('ffmpeg', tilePreviewArgs(exr, tile), {
      timeoutMs: 30_000,
      signal: ctx.signal,
    });
  } catch (err) {
    ctx.log(`no preview of ${path.basename(exr)}: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
}

/** Renders tiles of a still to float EXRs (see renderers/blender/still.ts), each with a preview. */
export const renderStillTiles: BlenderTaskHandler = async (task, ctx, blender) => {
  const p = payloadOf(task, blenderTilePayload);
  const grid = stillTiles(p);
  let tiles: unknown[] = [];
  await blender.withWorker(p, ctx, async (worker) => {
    checkStillSize(blender.configuredScene ?? worker.info.scene, p);
    const done = await renderTiles(worker, p, () => ctx.signal.aborted);
    tiles = done.map((t) => {
      const tile = grid[t.index];
      return {
        ...t,
        column: tile?.column,
        row: tile?.row,
        core: tile?.core,
        file: path.relative(task.jobDir, t.file),
      };
    });
    for (const t of done) {
      const tile = grid[t.index];
      if (tile) await writePreview(t.file, tile, ctx);
    }
  });
  return { tiles, applied: blender.applied };
};
