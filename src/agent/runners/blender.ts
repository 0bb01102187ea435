import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  BlenderWorker,
  BlenderWorkerError,
  frameFileName,
  type FrameFormat,
  type SceneInfo,
} from '../../renderers/blender/worker.js';
import { encodeVideo, makeThumbnail } from '../../renderers/blender/encode.js';
import { isImageFormat } from '../../renderers/blender/formats.js';
import {
  renderOverridesSchema,
  toWorkerOverrides,
  type RenderOverrides,
} from '../../renderers/blender/overrides.js';
import { probeScene } from '../../renderers/blender/scene-info.js';
import {
  checkStillSize,
  mergeStill,
  mergeTaskPayloadSchema,
  renderTiles,
  tileTaskPayloadSchema,
} from '../../renderers/blender/still.js';
import { TaskFailure, type LeasedTask, type RunContext, type TaskRunner } from '../runner.js';

function str(p: Record<string, unknown>, key: string): string {
  const v = p[key];
  if (typeof v !== 'string' || v === '') throw new TaskFailure(`task payload has no ${key}`);
  return v;
}

/** A render task's payload: `scene`, `outputDir`, and optional `format`, `overrides`, `files`. */
interface RenderPayload {
  scene: string;
  outputDir: string;
  format: FrameFormat;
  overrides: RenderOverrides;
  /** Each frame's absolute file (named by the job's output pattern); default frame_NNNN. */
  fileFor: (frame: number) => string;
}

/** Reads a render or encode payload (the one place that knows its fields). */
function readRenderPayload(p: Record<string, unknown>): RenderPayload {
  const outputDir = str(p, 'outputDir');
  const overrides = renderOverridesSchema.safeParse(p.overrides ?? {});
  if (!overrides.success)
    throw new TaskFailure(`task payload overrides: ${overrides.error.message}`);
  const format = p.format ?? overrides.data.format ?? 'PNG';
  if (!isImageFormat(format))
    throw new TaskFailure(
      `task payload format ${JSON.stringify(format)} is not one Blender writes here`,
    );
  const files = (p.files ?? {}) as Record<string, unknown>;
  return {
    scene: str(p, 'scene'),
    outputDir,
    format,
    overrides: overrides.data,
    fileFor: (frame) => {
      const f = files[String(frame)];
      if (typeof f === 'string' && path.isAbsolute(f)) return f;
      return path.join(outputDir, frameFileName(frame, format));
    },
  };
}

function parsed<T>(
  schema: {
    safeParse: (v: unknown) => { success: true; data: T } | { success: false; error: Error };
  },
  p: unknown,
  kind: string,
): T {
  const r = schema.safeParse(p);
  if (!r.success) throw new TaskFailure(`${kind} task payload: ${r.error.message}`);
  return r.data;
}

/**
 * Renders frames through one Blender process that stays loaded with the scene, and encodes the
 * video. A new scene (or a Blender that died) starts a new process.
 */
export class BlenderRunner implements TaskRunner {
  readonly kinds = [
    'blender-render',
    'blender-encode',
    'blender-view',
    'blender-tile',
    'blender-merge',
  ] as const;
  private worker: BlenderWorker | undefined;
  /** The overrides the worker has in force (JSON), so a task with the same ones skips configure. */
  private configured = '{}';
  /** The scene as the last configure left it; undefined: as loaded (the ready line's). */
  private sceneNow: SceneInfo | undefined;
  private scene: string | undefined;

  constructor(private readonly opts: { threads: number; blender?: string }) {}

  private async workerFor(scene: string, ctx: RunContext): Promise<BlenderWorker> {
    if (this.worker && this.scene === scene && this.worker.pid !== undefined) return this.worker;
    await this.worker?.stop().catch(() => {});
    this.worker = new BlenderWorker({
      scene,
      threads: this.opts.threads,
      blender: this.opts.blender,
      cudaVisibleDevices: ctx.gpu || undefined,
      onLine: (line) => ctx.log(`blender: ${line}`),
    });
    this.scene = scene;
    this.configured = '{}';
    this.sceneNow = undefined;
    const ready = await this.worker.start();
    ctx.log(`blender ready: pid ${this.worker.pid ?? '?'}, device ${JSON.stringify(ready.device)}`);
    return this.worker;
  }

  /**
   * Runs `fn` with the loaded Blender for `scene`; an aborted lease stops Blender, and any failure
   * becomes a TaskFailure with Blender's last lines and starts the next task from a fresh Blender
   * (this one may have died or be mid-frame).
   */
  private async withWorker(
    { scene, overrides = {} }: { scene: string; overrides?: RenderOverrides },
    ctx: RunContext,
    fn: (worker: BlenderWorker) => Promise<void>,
  ): Promise<void> {
    try {
      const worker = await this.workerFor(scene, ctx);
      const wanted = JSON.stringify(toWorkerOverrides(overrides));
      if (wanted !== this.configured) {
        const c = await worker.configure(toWorkerOverrides(overrides));
        this.configured = wanted;
        this.sceneNow = c.scene;
        ctx.log(`blender configured: ${JSON.stringify(c.applied)}, device ${c.device.type}`);
      }
      const onAbort = () => void worker.stop().catch(() => {});
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        await fn(worker);
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
      }
    } catch (err) {
      const tail = this.worker?.logTail() ?? [];
      await this.close();
      if (err instanceof BlenderWorkerError)
        throw new TaskFailure(err.message, err.logTail.length ? err.logTail : tail);
      if (err instanceof TaskFailure) throw err;
      throw new TaskFailure((err as Error).message, tail);
    }
  }

  async run(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    if (task.kind === 'blender-view') return this.views(task, ctx);
    if (task.kind === 'blender-tile') return this.tiles(task, ctx);
    if (task.kind === 'blender-merge') return this.merge(task, ctx);
    return task.kind === 'blender-encode' ? this.encode(task, ctx) : this.render(task, ctx);
  }

  /**
   * Renders dataset views (payload `views`: split, index, file, matrix, output) and returns, per
   * view, the camera matrix and field of view Blender reported, for the transforms files.
   */
  private async views(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    const scene = str(task.payload, 'scene');
    const views = Array.isArray(task.payload.views) ? (task.payload.views as ViewPayload[]) : [];
    if (views.length === 0) throw new TaskFailure('task payload has no views');
    const done: Record<string, unknown>[] = [];
    const frames: Record<string, { file: string; seconds: number; device: string }> = {};
    await this.withWorker({ scene }, ctx, async (worker) => {
      for (const v of views) {
        if (ctx.signal.aborted) throw new TaskFailure('lease lost; stopped');
        if (typeof v.output !== 'string' || !path.isAbsolute(v.output))
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
  }

  /** Renders tiles of a still to float EXRs (see renderers/blender/still.ts). */
  private async tiles(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    const p = parsed(tileTaskPayloadSchema, task.payload, 'blender-tile');
    let tiles: unknown[] = [];
    await this.withWorker(p, ctx, async (worker) => {
      checkStillSize(this.sceneNow ?? worker.info.scene, p);
      const done = await renderTiles(worker, p, () => ctx.signal.aborted);
      tiles = done.map((t) => ({ ...t, file: path.relative(task.jobDir, t.file) }));
    });
    return { tiles };
  }

  /** Stitches a still's tiles into its output file. */
  private async merge(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    const p = parsed(mergeTaskPayloadSchema, task.payload, 'blender-merge');
    let still: Record<string, unknown> = {};
    await this.withWorker(p, ctx, async (worker) => {
      const r = await mergeStill(worker, p);
      still = { file: path.relative(task.jobDir, r.file), seconds: r.seconds, size: r.resolution };
    });
    return { still };
  }

  private async render(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    const { scene, outputDir, format, overrides, fileFor } = readRenderPayload(task.payload);
    const thumbs = path.join(task.jobDir, 'thumbs');
    mkdirSync(outputDir, { recursive: true });
    mkdirSync(thumbs, { recursive: true });
    const frames: Record<
      string,
      { file: string; thumb?: string; seconds: number; device: unknown }
    > = {};
    const thumbnails: Promise<void>[] = [];
    await this.withWorker({ scene, overrides }, ctx, async (worker) => {
      for (const frame of task.frames) {
        if (ctx.signal.aborted) throw new TaskFailure('lease lost; stopped');
        const r = await worker.render(frame, fileFor(frame), format);
        const entry: (typeof frames)[string] = {
          file: path.relative(task.jobDir, r.file),
          seconds: r.seconds,
          device: r.device,
        };
        frames[String(frame)] = entry;
        const thumb = path.join(thumbs, `frame_${String(frame).padStart(4, '0')}.jpg`);
        // The thumbnail (ffmpeg, on the CPU) overlaps the chunk's next frame; only one that
        // was written is listed, so the viewer never asks for one that is not there.
        thumbnails.push(
          makeThumbnail(r.file, thumb).then(
            () => void (entry.thumb = path.relative(task.jobDir, thumb)),
            (err: Error) => ctx.log(`thumbnail of frame ${frame}: ${err.message}`),
          ),
        );
      }
    }).finally(() => Promise.all(thumbnails));
    // Reported only once every thumbnail is on disk: a frame shown done has its thumbnail,
    // even when this node is released right after.
    return { frames };
  }

  private async encode(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    const { scene, outputDir, fileFor } = readRenderPayload(task.payload);
    const video = str(task.payload, 'video');
    const frames = Array.isArray(task.payload.frames) ? (task.payload.frames as number[]) : [];
    const files = task.payload.files ? frames.map(fileFor) : undefined;
    const fps =
      this.worker && this.scene === scene
        ? frameRateOf(this.worker)
        : (await probeScene(scene)).frameRate;
    ctx.log(`encoding ${frames.length} frames at ${fps} fps into ${video}`);
    try {
      await encodeVideo({
        framesDir: outputDir,
        frames,
        files,
        fps,
        output: video,
        signal: ctx.signal,
      });
    } catch (err) {
      throw new TaskFailure(`ffmpeg could not encode the video: ${(err as Error).message}`);
    }
    return { video: path.relative(task.jobDir, video), frames: frames.length, fps };
  }

  async close(): Promise<void> {
    await this.worker?.stop().catch(() => {});
    this.worker = undefined;
  }
}

/** One view of a `blender-view` task's payload (see coordinator/jobs/blender-dataset-plan.ts). */
interface ViewPayload {
  split: string;
  index: number;
  matrix: number[][];
  output: string;
}

function frameRateOf(worker: BlenderWorker): string {
  const s = worker.info.scene;
  return `${s.fps}/${s.fps_base}`;
}
