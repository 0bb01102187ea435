import path from 'node:path';
import { checkStillSize, renderTiles, stillTiles } from '../../../renderers/blender/still.js';
import { blenderTilePayload } from '../../../coordinator/jobs/blender-still.js';
import { payloadOf } from '../../runner.js';
import type { BlenderTaskHandler } from './handler.js';

/** Renders tiles of a still to float EXRs (see renderers/blender/still.ts). */
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
  });
  return { tiles, applied: blender.applied };
};
