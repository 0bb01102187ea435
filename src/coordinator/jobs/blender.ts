// One file, over 8 KB: a job kind is one file (its payloads, plan, counting and results
// together), so that adding or reading a kind means one place.
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../errors.js';
import { IMAGE_FORMATS } from '../../renderers/blender/formats.js';
import {
  chunkFrames,
  formatFrames,
  frameFileName,
  parseFrames,
} from '../../renderers/blender/frames.js';
import { planOutputFiles } from '../../renderers/blender/output-pattern.js';
import {
  renderOverridesSchema,
  sceneFrames,
  stepFrames,
} from '../../renderers/blender/overrides.js';
import type { BlenderPlanned, BlenderSubmitRequest } from '../../api/types.js';
import { costliestFirst } from '../scheduler/lease-order.js';
import type { NewTask } from '../store/types.js';
import { describeOverrides, planBlenderOutput, servedName, underRoot } from './blender-output.js';
import { checkCommonFields, wholeNumber } from './common-fields.js';
import type { JobType, PlanEvent } from './job-type.js';
import { blenderWarmUp } from './blender-warm-up.js';

/**
 * What a `blender-render` task carries: the scene, the output root, the frame format, the
 * overrides to configure the loaded Blender with, and each of its frames' absolute file (named
 * by the job's output pattern; without one, `frame_0012.png` in the output root).
 */
export const blenderRenderPayload = z.object({
  scene: z.string().min(1),
  outputDir: z.string().min(1),
  format: z.enum(IMAGE_FORMATS),
  overrides: renderOverridesSchema.optional(),
  files: z.record(z.string(), z.string().min(1)).optional(),
});

/** What the `blender-encode` task carries: every frame of the job, in order, and the video. */
export const blenderEncodePayload = blenderRenderPayload.extend({
  frames: z.array(z.number().int()),
  video: z.string().min(1),
});

/** The video's name in the output root. */
const VIDEO = 'video.mp4';

function framesOf(req: BlenderSubmitRequest, info: { frames?: () => number[] }): number[] {
  if (req.frames !== undefined) return parseFrames(req.frames);
  if (info.frames) return info.frames();
  throw new UsageError('frames: give a frame spec such as 1-240 (or send sceneInfo)');
}

/** A render task's cost: Blender's own time for its frames, as the agent reported them. */
function renderSeconds(result: Record<string, unknown>): number | undefined {
  const frames = Object.values((result.frames ?? {}) as Record<string, { seconds?: unknown }>);
  if (!frames.length || !frames.every((f) => typeof f?.seconds === 'number')) return undefined;
  return frames.reduce((sum, f) => sum + (f.seconds as number), 0);
}

/**
 * A Blender render: a `render` stage of frame chunks, leased costliest first unless asked for in
 * frame order (scheduler/lease-order.ts), then an `encode` stage (one ffmpeg task
 * once every frame is in). Frames whose files the resume scan found whole in the output are
 * skipped unless `overwrite`; when none is left to render, the encode runs at once. Progress
 * counts frames.
 */
export const blenderJob: JobType<'blender'> = {
  kind: 'blender',
  mainStage: 'render',
  progressUnit: 'frames',
  allocation: 'per-node',
  panels: ['frames', 'video', 'tasks'],
  payloads: { 'blender-render': blenderRenderPayload, 'blender-encode': blenderEncodePayload },
  warmUp: blenderWarmUp,

  plan(req, { limits, dirs, files, whole }) {
    const out = planBlenderOutput(req, { dirs, files, limits });
    const { nodes, gpusPerNode, timeLimitMinutes } = checkCommonFields(req, limits);
    const chunk = wholeNumber('chunk', req.chunk ?? 1, 1, 100000);
    const order = req.order ?? 'costliest-first';
    const step = out.overrides.frameStep;
    const info = out.info;
    let frames = framesOf(req, { frames: info ? () => sceneFrames(info, step) : undefined });
    if (step !== undefined && req.frames !== undefined) frames = stepFrames(frames, step);
    const names = planOutputFiles(out.pattern, frames, out.format);
    const abs = new Map(names.map((n) => [n.frame, underRoot(out.root, n.name)]));
    const present = new Set(whole);
    // Only frames the resume scan saw whole and that are still there are skipped.
    const skipped = req.overwrite
      ? []
      : frames.filter((f) => present.has(f) && files.isFile(abs.get(f) ?? ''));
    const skip = new Set(skipped);
    const toRender = frames.filter((f) => !skip.has(f));
    const base = {
      scene: out.scene,
      outputDir: out.root,
      format: out.format,
      ...(Object.keys(out.overrides).length ? { overrides: out.overrides } : {}),
    };
    const fileMap = (group: readonly number[]) =>
      Object.fromEntries(group.map((f) => [String(f), abs.get(f) ?? '']));
    const inOrder: NewTask[] = chunkFrames(toRender, chunk).map((group, i) => ({
      stage: 'render',
      seq: i,
      kind: 'blender-render',
      payload: { ...base, files: fileMap(group) },
      frames: group,
    }));
    const leased =
      order === 'costliest-first' && inOrder.length ? costliestFirst(inOrder) : undefined;
    const render: NewTask[] = leased?.tasks ?? inOrder;
    const encode: NewTask = {
      stage: 'encode',
      seq: 0,
      kind: 'blender-encode',
      payload: { ...base, files: fileMap(frames), frames, video: underRoot(out.root, VIDEO) },
      frames: [],
    };
    const planned: BlenderPlanned = {
      frames: toRender,
      skipped,
      pattern: out.pattern.raw,
      patternSource: out.pattern.source,
      resolution: out.resolution,
      format: out.format,
      files: Object.fromEntries(names.map((n) => [String(n.frame), servedName(n.name)])),
    };
    const events: PlanEvent[] = [];
    if (Object.keys(out.overrides).length)
      events.push({
        type: 'render:overrides',
        message: `overrides: ${describeOverrides(out.overrides, out.resolution)}`,
        data: { overrides: out.overrides, resolution: out.resolution },
      });
    if (skipped.length)
      events.push({
        type: 'render:skipped',
        message:
          `${skipped.length} frame(s) already whole in ${out.root} not rendered again ` +
          `(${formatFrames(skipped)}); ${toRender.length} to render`,
        data: { frames: skipped, outputDir: out.root },
      });
    return {
      kind: 'blender',
      name: req.name ?? path.basename(out.scene),
      request: {
        ...req,
        scene: out.scene,
        nodes,
        gpusPerNode,
        chunk,
        order,
        format: out.format,
        overrides: out.overrides,
        ...(req.outputDir !== undefined ? { outputDir: out.root } : {}),
        outputPattern: out.pattern.raw,
        timeLimitMinutes,
        frames: req.frames ?? formatFrames(frames),
        planned,
      },
      nodes,
      gpusPerNode,
      outputDir: out.root,
      stages: [
        {
          name: 'render',
          seq: 0,
          state: toRender.length ? 'ready' : 'done',
          ...(leased ? { leaseOrder: leased.order } : {}),
        },
        { name: 'encode', seq: 1, state: toRender.length ? 'waiting' : 'ready' },
      ],
      tasks: [...render, encode],
      summary:
        `${toRender.length} frame(s) in ${render.length} task(s) on ${nodes} node(s)` +
        (skipped.length ? `, ${skipped.length} already rendered` : ''),
      warnings: out.warnings,
      events,
    };
  },

  outputsOf(task) {
    if (task.kind === 'blender-encode')
      return [{ kind: 'video', path: blenderEncodePayload.parse(task.payload).video }];
    const p = blenderRenderPayload.parse(task.payload);
    return task.frames.map((frame) => ({
      kind: 'image',
      format: p.format,
      path: p.files?.[String(frame)] ?? path.join(p.outputDir, frameFileName(frame, p.format)),
    }));
  },

  costOf(task, result) {
    return task.kind === 'blender-render' ? renderSeconds(result) : undefined;
  },

  onTaskDone(task, result) {
    return task.kind === 'blender-encode' && typeof result.video === 'string'
      ? { video: result.video }
      : undefined;
  },
};
