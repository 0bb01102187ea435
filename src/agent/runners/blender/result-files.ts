import path from 'node:path';
import type { z } from 'zod';
import { frameFileName } from '../../../renderers/blender/worker.js';
import type { blenderRenderPayload } from '../../../coordinator/jobs/blender.js';

type FramesAt = Pick<z.infer<typeof blenderRenderPayload>, 'files' | 'outputDir' | 'format'>;

/** Each frame's absolute file: the planned one, else today's `frame_0012.png` in the root. */
export function frameFile(p: FramesAt, frame: number): string {
  const f = p.files?.[String(frame)];
  if (f !== undefined && path.isAbsolute(f)) return f;
  return path.join(p.outputDir, frameFileName(frame, p.format));
}

/**
 * How a result names a file: under the output root as the files route serves it (`output/…`),
 * anything else relative to the job directory (thumbs, tiles).
 */
export function resultName(file: string, outputDir: string | undefined, jobDir: string): string {
  if (outputDir) {
    const rel = path.relative(outputDir, file);
    if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel))
      return `output/${rel.split(path.sep).join('/')}`;
  }
  return path.relative(jobDir, file);
}
