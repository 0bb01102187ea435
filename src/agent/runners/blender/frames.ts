import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { makeThumbnail, THUMB_WIDTH } from '../../../renderers/blender/encode.js';
import { blenderRenderPayload } from '../../../coordinator/jobs/blender.js';
import { payloadOf, TaskFailure } from '../../runner.js';
import { FrameProgress } from './frame-progress.js';
import type { BlenderTaskHandler } from './handler.js';
import { frameFile, resultName } from './result-files.js';

/** Renders the task's frames, each with its thumbnail under the job's `thumbs/`. */
export const renderFrames: BlenderTaskHandler = async (task, ctx, blender) => {
  const p = payloadOf(task, blenderRenderPayload);
  const thumbs = path.join(task.jobDir, 'thumbs');
  mkdirSync(thumbs, { recursive: true });
  const frames: Record<string, { file: string; thumb?: string; seconds: number; device: unknown }> =
    {};
  const thumbnails: Promise<void>[] = [];
  const progress = ctx.progress ? new FrameProgress(task.frames, ctx.progress) : undefined;
  const unwatch = progress ? blender.watchLines((l) => progress.line(l)) : () => {};
  await blender
    .withWorker({ scene: p.scene, overrides: p.overrides }, ctx, async (worker) => {
      for (const [index, frame] of task.frames.entries()) {
        if (ctx.signal.aborted) throw new TaskFailure('lease lost; stopped');
        progress?.start(index);
        const out = frameFile(p, frame);
        mkdirSync(path.dirname(out), { recursive: true });
        const thumb = path.join(thumbs, `frame_${String(frame).padStart(4, '0')}.jpg`);
        const r = await worker.render(frame, out, p.format, {
          thumb: { output: thumb, width: THUMB_WIDTH },
        });
        const entry: (typeof frames)[string] = {
          file: resultName(r.file, p.outputDir, task.jobDir),
          seconds: r.seconds,
          device: r.device,
        };
        frames[String(frame)] = entry;
        // Blender writes the thumbnail of an 8-bit frame itself, in milliseconds. Others (EXR,
        // 16-bit) go through ffmpeg, which overlaps the chunk's next frame. Only a thumbnail that
        // was written is listed, so the viewer never asks for one that is not there.
        if (r.thumb) {
          entry.thumb = path.relative(task.jobDir, thumb);
          continue;
        }
        if (r.thumbError) ctx.log(`thumbnail of frame ${frame} (Blender): ${r.thumbError}`);
        thumbnails.push(
          makeThumbnail(r.file, thumb).then(
            () => void (entry.thumb = path.relative(task.jobDir, thumb)),
            (err: Error) => ctx.log(`thumbnail of frame ${frame}: ${err.message}`),
          ),
        );
      }
    })
    .finally(() => {
      unwatch();
      return Promise.all(thumbnails);
    });
  // Reported only once every thumbnail is on disk: a frame shown done has its thumbnail,
  // even when this node is released right after.
  return { frames, applied: blender.applied };
};
