import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  BlenderWorker,
  BlenderWorkerError,
  frameFileName,
  type FrameFormat,
} from '../../renderers/blender/worker.js';
import { encodeVideo, makeThumbnail } from '../../renderers/blender/encode.js';
import { probeScene } from '../../renderers/blender/scene-info.js';
import { TaskFailure, type LeasedTask, type RunContext, type TaskRunner } from '../runner.js';

function str(p: Record<string, unknown>, key: string): string {
  const v = p[key];
  if (typeof v !== 'string' || v === '') throw new TaskFailure(`task payload has no ${key}`);
  return v;
}

/**
 * Renders frames through one Blender process that stays loaded with the scene, and encodes the
 * video. A new scene (or a Blender that died) starts a new process.
 */
export class BlenderRunner implements TaskRunner {
  readonly kinds = ['blender-render', 'blender-encode', 'blender-view'] as const;
  private worker: BlenderWorker | undefined;
  /** Frames whose thumbnails are still being made. */
  private readonly thumbnails = new Set<string>();
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
    scene: string,
    ctx: RunContext,
    fn: (worker: BlenderWorker) => Promise<void>,
  ): Promise<void> {
    try {
      const worker = await this.workerFor(scene, ctx);
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
    await this.withWorker(scene, ctx, async (worker) => {
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

  private async render(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    const scene = str(task.payload, 'scene');
    const outputDir = str(task.payload, 'outputDir');
    const format: FrameFormat = task.payload.format === 'OPEN_EXR' ? 'OPEN_EXR' : 'PNG';
    const thumbs = path.join(task.jobDir, 'thumbs');
    mkdirSync(outputDir, { recursive: true });
    mkdirSync(thumbs, { recursive: true });
    const frames: Record<
      string,
      { file: string; thumb: string; seconds: number; device: unknown }
    > = {};
    await this.withWorker(scene, ctx, async (worker) => {
      for (const frame of task.frames) {
        if (ctx.signal.aborted) throw new TaskFailure('lease lost; stopped');
        const out = path.join(outputDir, frameFileName(frame, format));
        const r = await worker.render(frame, out, format);
        const thumb = path.join(thumbs, `frame_${String(frame).padStart(4, '0')}.jpg`);
        // The thumbnail (an ffmpeg run on the CPU) overlaps the next frame instead of delaying it.
        this.thumbnails.add(r.file);
        void makeThumbnail(r.file, thumb)
          .catch((err: Error) => ctx.log(`thumbnail of frame ${frame}: ${err.message}`))
          .finally(() => this.thumbnails.delete(r.file));
        frames[String(frame)] = {
          file: path.relative(task.jobDir, r.file),
          thumb: path.relative(task.jobDir, thumb),
          seconds: r.seconds,
          device: r.device,
        };
      }
    });
    return { frames };
  }

  private async encode(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    const scene = str(task.payload, 'scene');
    const video = str(task.payload, 'video');
    const outputDir = str(task.payload, 'outputDir');
    const frames = Array.isArray(task.payload.frames) ? (task.payload.frames as number[]) : [];
    const fps =
      this.worker && this.scene === scene
        ? frameRateOf(this.worker)
        : (await probeScene(scene)).frameRate;
    ctx.log(`encoding ${frames.length} frames at ${fps} fps into ${video}`);
    try {
      await encodeVideo({ framesDir: outputDir, frames, fps, output: video, signal: ctx.signal });
    } catch (err) {
      throw new TaskFailure(`ffmpeg could not encode the video: ${(err as Error).message}`);
    }
    return { video: path.relative(task.jobDir, video), frames: frames.length, fps };
  }

  async close(): Promise<void> {
    for (let i = 0; this.thumbnails.size > 0 && i < 100; i++)
      await new Promise((r) => setTimeout(r, 50));
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
