import path from 'node:path';
import { blenderViewPayload } from '../../../coordinator/jobs/blender-dataset.js';
import { payloadOf, TaskFailure } from '../../runner.js';
import type { BlenderTaskHandler } from './handler.js';

/**
 * Renders dataset views (payload `views`: split, index, file, matrix, output) and returns, per
 * view, the camera matrix and field of view Blender reported, for the transforms files.
 */
export const renderViews: BlenderTaskHandler = async (task, ctx, blender) => {
  const { scene, views, overrides } = payloadOf(task, blenderViewPayload);
  if (views.length === 0) throw new TaskFailure('task payload has no views');
  const done: Record<string, unknown>[] = [];
  const frames: Record<string, { file: string; seconds: number; device: string }> = {};
  await blender.withWorker({ scene, overrides }, ctx, async (worker) => {
    for (const v of views) {
      if (ctx.signal.aborted) throw new TaskFailure('lease lost; stopped');
      if (!path.isAbsolute(v.output))
        throw new TaskFailure(`view ${v.split}/${v.index} has no absolute output path`);
      const r = await worker.renderView(v.matrix, v.output);
      const file = path.relative(task.jobDir, r.file);
      done.push({
        split: v.split,
        index: v.index,
        file,
        matrix: r.matrix,
        cameraAngleX: r.cameraAngleX,
        angleX: r.angleX,
        resolution: r.resolution,
        seconds: r.seconds,
        device: r.device,
      });
      frames[`${v.split}/r_${v.index}`] = { file, seconds: r.seconds, device: r.device };
    }
  });
  return { views: done, frames };
};
