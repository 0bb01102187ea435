import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { mergeStill } from '../../../renderers/blender/still.js';
import { blenderMergePayload } from '../../../coordinator/jobs/blender-still.js';
import { payloadOf } from '../../runner.js';
import type { BlenderTaskHandler } from './handler.js';
import { resultName } from './result-files.js';

/** Stitches a still's tiles into its output file. */
export const mergeStillTiles: BlenderTaskHandler = async (task, ctx, blender) => {
  const p = payloadOf(task, blenderMergePayload);
  let still: Record<string, unknown> = {};
  mkdirSync(path.dirname(p.output), { recursive: true });
  await blender.withWorker(p, ctx, async (worker) => {
    const r = await mergeStill(worker, p);
    still = {
      file: resultName(r.file, p.outputDir, task.jobDir),
      seconds: r.seconds,
      size: r.resolution,
    };
  });
  return { still };
};
