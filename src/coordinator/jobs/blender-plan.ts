import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { chunkFrames, parseFrames } from '../../renderers/blender/frames.js';
import type { BlenderSubmitRequest, SubmitRequest } from '../api-types.js';
import type { NewTask } from '../store/types.js';
import { checkCommonFields, wholeNumber } from './common-fields.js';
import type { JobDirs, JobPlan, PlanLimits } from './plan.js';

/**
 * Validates a Blender submission and splits it into a `render` stage (frame chunks) and an
 * `encode` stage (one ffmpeg task once every frame is in). Throws UsageError; writes nothing.
 */
export function planBlenderJob(request: SubmitRequest, limits: PlanLimits, dirs: JobDirs): JobPlan {
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
  if (!existsSync(req.scene) || !statSync(req.scene).isFile())
    throw new UsageError(`scene: ${req.scene} does not exist`);
  const frames = parseFrames(String(req.frames ?? ''));
  const { nodes, gpusPerNode, timeLimitMinutes } = checkCommonFields(req, limits);
  const chunk = wholeNumber('chunk', req.chunk ?? 1, 1, 100000);
  const format = req.format ?? 'PNG';
  if (format !== 'PNG' && format !== 'OPEN_EXR')
    throw new UsageError(`format must be PNG or OPEN_EXR (got ${String(format)})`);
  const render: NewTask[] = chunkFrames(frames, chunk).map((group, i) => ({
    stage: 'render',
    seq: i,
    kind: 'blender-render',
    payload: { scene: req.scene, outputDir, format },
    frames: group,
  }));
  const encode: NewTask = {
    stage: 'encode',
    seq: 0,
    kind: 'blender-encode',
    payload: {
      scene: req.scene,
      outputDir,
      format,
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
      format,
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
}
