import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../errors.js';
import { chunkFrames, frameFileName, parseFrames } from '../../renderers/blender/frames.js';
import type { BlenderSubmitRequest } from '../api-types.js';
import type { NewTask } from '../store/types.js';
import { checkCommonFields, wholeNumber } from './common-fields.js';
import type { JobType } from './job-type.js';

const format = z.enum(['PNG', 'OPEN_EXR']);

/** What a `blender-render` task carries: the scene, where frames go, and their format. */
export const blenderRenderPayload = z.object({
  scene: z.string().min(1),
  outputDir: z.string().min(1),
  format,
});

/** What the `blender-encode` task carries: every frame of the job and the video to write. */
export const blenderEncodePayload = blenderRenderPayload.extend({
  frames: z.array(z.number().int()),
  video: z.string().min(1),
});

/**
 * A Blender render: a `render` stage of frame chunks, then an `encode` stage (one ffmpeg task
 * once every frame is in). Progress counts frames.
 */
export const blenderJob: JobType = {
  kind: 'blender',
  mainStage: 'render',
  progressUnit: 'frames',
  payloads: { 'blender-render': blenderRenderPayload, 'blender-encode': blenderEncodePayload },

  plan(request, { limits, dirs, files }) {
    const req = request as BlenderSubmitRequest;
    const outputDir = dirs.outputDir;
    if (typeof req.scene !== 'string' || req.scene === '')
      throw new UsageError('scene: give the path of a .blend file');
    if (!path.isAbsolute(req.scene))
      throw new UsageError(`scene: ${JSON.stringify(req.scene)} must be an absolute path`);
    if (req.scene.includes('\0') || /[\n\r]/.test(req.scene))
      throw new UsageError('scene: the path holds a control character');
    if (!/\.blend$/i.test(req.scene))
      throw new UsageError(`scene: ${req.scene} is not a .blend file`);
    if (!files.isFile(req.scene)) throw new UsageError(`scene: ${req.scene} does not exist`);
    const frames = parseFrames(String(req.frames ?? ''));
    const { nodes, gpusPerNode, timeLimitMinutes } = checkCommonFields(req, limits);
    const chunk = wholeNumber('chunk', req.chunk ?? 1, 1, 100000);
    const fmt = req.format ?? 'PNG';
    if (fmt !== 'PNG' && fmt !== 'OPEN_EXR')
      throw new UsageError(`format must be PNG or OPEN_EXR (got ${String(fmt)})`);
    const render: NewTask[] = chunkFrames(frames, chunk).map((group, i) => ({
      stage: 'render',
      seq: i,
      kind: 'blender-render',
      payload: { scene: req.scene, outputDir, format: fmt },
      frames: group,
    }));
    const encode: NewTask = {
      stage: 'encode',
      seq: 0,
      kind: 'blender-encode',
      payload: {
        scene: req.scene,
        outputDir,
        format: fmt,
        frames,
        video: path.join(outputDir, 'video.mp4'),
      },
      frames: [],
    };
    return {
      kind: 'blender',
      name: req.name ?? path.basename(req.scene),
      request: {
        ...req,
        nodes,
        gpusPerNode,
        chunk,
        format: fmt,
        timeLimitMinutes,
        frames: String(req.frames),
      },
      nodes,
      gpusPerNode,
      stages: [
        { name: 'render', seq: 0, state: 'ready' },
        { name: 'encode', seq: 1, state: 'waiting' },
      ],
      tasks: [...render, encode],
      summary: `${frames.length} frame(s) in ${render.length} task(s) on ${nodes} node(s)`,
    };
  },

  outputsOf(task) {
    if (task.kind === 'blender-encode')
      return [{ kind: 'video', path: blenderEncodePayload.parse(task.payload).video }];
    const p = blenderRenderPayload.parse(task.payload);
    return task.frames.map((frame) => ({
      kind: 'image',
      format: p.format,
      path: path.join(p.outputDir, frameFileName(frame, p.format)),
    }));
  },

  onTaskDone(task, result) {
    return task.kind === 'blender-encode' && typeof result.video === 'string'
      ? { video: result.video }
      : undefined;
  },
};
