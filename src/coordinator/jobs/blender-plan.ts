import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { chunkFrames, parseFrames } from '../../renderers/blender/frames.js';
import type { BlenderSubmitRequest, SubmitRequest } from '../api-types.js';
import type { NewTask } from '../store/types.js';
import type { JobDirs, JobPlan, PlanLimits } from './plan.js';

export function wholeNumber(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max} (got ${String(v)})`);
  }
  return v;
}

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
  const nodes = wholeNumber('nodes', req.nodes, 1, 100000);
  if (nodes > limits.partitionNodes) {
    throw new UsageError(
      `nodes: ${nodes} is more than the ${limits.partitionNodes} node(s) the partition has`,
    );
  }
  const gpusPerNode = wholeNumber(
    'gpusPerNode',
    req.gpusPerNode ?? limits.maxGpusPerNode,
    1,
    Math.max(1, limits.maxGpusPerNode),
  );
  const chunk = wholeNumber('chunk', req.chunk ?? 1, 1, 100000);
  const format = req.format ?? 'PNG';
  if (format !== 'PNG' && format !== 'OPEN_EXR')
    throw new UsageError(`format must be PNG or OPEN_EXR (got ${String(format)})`);
  const timeLimitMinutes = wholeNumber(
    'timeLimitMinutes',
    req.timeLimitMinutes ?? 60,
    1,
    60 * 24 * 14,
  );
  if (req.name !== undefined && (typeof req.name !== 'string' || req.name.length > 200))
    throw new UsageError('name must be text of at most 200 characters');
  if (req.auto) {
    wholeNumber('auto.min', req.auto.min, 1, limits.partitionNodes);
    wholeNumber('auto.max', req.auto.max, req.auto.min, limits.partitionNodes);
  }
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
