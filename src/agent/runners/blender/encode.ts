import { CommandError } from '../../../errors.js';
import { encodeVideo } from '../../../renderers/blender/encode.js';
import { probeScene } from '../../../renderers/blender/scene-info.js';
import { blenderEncodePayload } from '../../../coordinator/jobs/blender.js';
import { payloadOf, TaskFailure } from '../../runner.js';
import { failureMessage, outputTail } from '../command-failure.js';
import { blameFor } from './blame.js';
import type { BlenderTaskHandler } from './handler.js';
import { frameFile, resultName } from './result-files.js';

/**
 * Encodes the job's frames into its video with ffmpeg, at the scene's frame rate (the loaded
 * Blender's, else probed from the file).
 */
export const encodeFrames: BlenderTaskHandler = async (task, ctx, blender) => {
  const p = payloadOf(task, blenderEncodePayload);
  const fps = blender.frameRateOf(p.scene) ?? (await probeScene(p.scene)).frameRate;
  ctx.log(`encoding ${p.frames.length} frames at ${fps} fps into ${p.video}`);
  try {
    await encodeVideo({
      framesDir: p.outputDir,
      frames: p.frames,
      files: p.files ? p.frames.map((f) => frameFile(p, f)) : undefined,
      fps,
      output: p.video,
      signal: ctx.signal,
    });
  } catch (err) {
    // A full or read-only output is the job's, not this agent's: the job pauses for it.
    if (err instanceof CommandError) {
      const tail = outputTail(err.stderr);
      throw new TaskFailure(failureMessage(err), tail, blameFor(err, tail));
    }
    throw new TaskFailure(
      `ffmpeg could not encode the video: ${(err as Error).message}`,
      [],
      blameFor(err),
    );
  }
  return {
    video: resultName(p.video, p.outputDir, task.jobDir),
    frames: p.frames.length,
    fps,
  };
};
