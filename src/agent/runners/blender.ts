import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import {
  BlenderWorker,
  BlenderWorkerError,
  frameFileName,
  type SceneInfo,
} from '../../renderers/blender/worker.js';
import { encodeVideo, makeThumbnail, THUMB_WIDTH } from '../../renderers/blender/encode.js';
import {
  toWorkerOverrides,
  type RenderOverrides,
  type WorkerOverrides,
} from '../../renderers/blender/overrides.js';
import { probeScene } from '../../renderers/blender/scene-info.js';
import type { BlenderProcess } from '../../renderers/blender/worker-process.js';
import {
  checkStillSize,
  mergeStill,
  renderTiles,
  stillTiles,
} from '../../renderers/blender/still.js';
import { blenderEncodePayload, blenderRenderPayload } from '../../coordinator/jobs/blender.js';
import { blenderViewPayload } from '../../coordinator/jobs/blender-dataset.js';
import { blenderWarmUpPayload } from '../../coordinator/jobs/blender-warm-up.js';
import { blenderMergePayload, blenderTilePayload } from '../../coordinator/jobs/blender-still.js';
import { BLENDER_KINDS } from './blender-kinds.js';
import {
  isOutputFault,
  payloadOf,
  TaskFailure,
  type LeasedTask,
  type RunContext,
  type TaskRunner,
} from '../runner.js';

type RenderPayload = z.infer<typeof blenderRenderPayload>;

/** Each frame's absolute file: the planned one, else today's `frame_0012.png` in the root. */
function fileFor(p: RenderPayload, frame: number): string {
  const f = p.files?.[String(frame)];
  if (f !== undefined && path.isAbsolute(f)) return f;
  return path.join(p.outputDir, frameFileName(frame, p.format));
}

/**
 * How a result names a file: under the output root as the files route serves it (`output/…`),
 * anything else relative to the job directory (thumbs, tiles).
 */
function resultName(file: string, outputDir: string | undefined, jobDir: string): string {
  if (outputDir) {
    const rel = path.relative(outputDir, file);
    if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel))
      return `output/${rel.split(path.sep).join('/')}`;
  }
  return path.relative(jobDir, file);
}

/**
 * Renders frames through one Blender process that stays loaded with the scene, and encodes the
 * video. A new scene (or a Blender that died) starts a new process.
 */
export class BlenderRunner implements TaskRunner {
  readonly kinds = BLENDER_KINDS;
  private worker: BlenderWorker | undefined;
  /** The overrides the worker has in force (JSON), so a task with the same ones skips configure. */
  private configured = '{}';
  /** The scene as the last configure left it; undefined: as loaded (the ready line's). */
  private sceneNow: SceneInfo | undefined;
  /** What the last configure put in force, as Blender reported it. */
  private applied: WorkerOverrides = {};
  private scene: string | undefined;

  /** A Blender the agent started before it loaded (see early-start.ts), until a task takes it. */
  private early: BlenderProcess | undefined;

  constructor(
    private readonly opts: { threads: number; blender?: string; early?: BlenderProcess },
  ) {
    this.early = opts.early;
  }

  /** The early Blender when it loads `scene`; one loading another scene is stopped. */
  private takeEarly(scene: string): BlenderProcess | undefined {
    const early = this.early;
    this.early = undefined;
    if (!early || early.scene === path.resolve(scene)) return early;
    early.child.kill('SIGKILL');
    return undefined;
  }

  private async workerFor(scene: string, ctx: RunContext): Promise<BlenderWorker> {
    if (this.worker && this.scene === scene && this.worker.pid !== undefined) return this.worker;
    await this.worker?.stop().catch(() => {});
    this.worker = new BlenderWorker({
      scene,
      threads: this.opts.threads,
      blender: this.opts.blender,
      cudaVisibleDevices: ctx.gpu || undefined,
      onLine: (line) => ctx.log(`blender: ${line}`),
      process: this.takeEarly(scene),
    });
    this.scene = scene;
    this.configured = '{}';
    this.sceneNow = undefined;
    this.applied = {};
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
        this.applied = c.applied;
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
      if (err instanceof TaskFailure) throw err;
      const lines = err instanceof BlenderWorkerError && err.logTail.length ? err.logTail : tail;
      // Blender could not write the frame (no permission, disk full): every agent would fail so.
      const blame = isOutputFault(err, lines) ? 'job' : 'agent';
      throw new TaskFailure((err as Error).message, lines, blame);
    }
  }

  /** The warm-up or task in progress: a task waits for the warm-up, which started its Blender. */
  private turn: Promise<unknown> = Promise.resolve();

  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.turn.then(fn, fn);
    this.turn = next.catch(() => undefined);
    return next;
  }

  /** Starts Blender with the scene (and overrides) the job's tasks will use. */
  async warmUp(_kind: string, payload: Record<string, unknown>, ctx: RunContext): Promise<void> {
    const p = blenderWarmUpPayload.safeParse(payload);
    if (!p.success) throw new TaskFailure(`warm-up: ${p.error.issues[0]?.message ?? 'invalid'}`);
    await this.inTurn(() => this.withWorker(p.data, ctx, async () => {}));
  }

  run(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    return this.inTurn(() => this.dispatch(task, ctx));
  }

  private async dispatch(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
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
    const { scene, views } = payloadOf(task, blenderViewPayload);
    if (views.length === 0) throw new TaskFailure('task payload has no views');
    const done: Record<string, unknown>[] = [];
    const frames: Record<string, { file: string; seconds: number; device: string }> = {};
    await this.withWorker({ scene }, ctx, async (worker) => {
      for (const v of views) {
        if (ctx.signal.aborted) throw new TaskFailure('lease lost; stopped');
        if (!path.isAbsolute(v.output))
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
    const p = payloadOf(task, blenderTilePayload);
    const grid = stillTiles(p);
    let tiles: unknown[] = [];
    await this.withWorker(p, ctx, async (worker) => {
      checkStillSize(this.sceneNow ?? worker.info.scene, p);
      const done = await renderTiles(worker, p, () => ctx.signal.aborted);
      tiles = done.map((t) => {
        const tile = grid[t.index];
        return {
          ...t,
          column: tile?.column,
          row: tile?.row,
          core: tile?.core,
          file: path.relative(task.jobDir, t.file),
        };
      });
    });
    return { tiles, applied: this.applied };
  }

  /** Stitches a still's tiles into its output file. */
  private async merge(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    const p = payloadOf(task, blenderMergePayload);
    let still: Record<string, unknown> = {};
    mkdirSync(path.dirname(p.output), { recursive: true });
    await this.withWorker(p, ctx, async (worker) => {
      const r = await mergeStill(worker, p);
      still = {
        file: resultName(r.file, p.outputDir, task.jobDir),
        seconds: r.seconds,
        size: r.resolution,
      };
    });
    return { still };
  }

  private async render(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    const p = payloadOf(task, blenderRenderPayload);
    const thumbs = path.join(task.jobDir, 'thumbs');
    mkdirSync(thumbs, { recursive: true });
    const frames: Record<
      string,
      { file: string; thumb?: string; seconds: number; device: unknown }
    > = {};
    const thumbnails: Promise<void>[] = [];
    await this.withWorker({ scene: p.scene, overrides: p.overrides }, ctx, async (worker) => {
      for (const frame of task.frames) {
        if (ctx.signal.aborted) throw new TaskFailure('lease lost; stopped');
        const out = fileFor(p, frame);
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
    }).finally(() => Promise.all(thumbnails));
    // Reported only once every thumbnail is on disk: a frame shown done has its thumbnail,
    // even when this node is released right after.
    return { frames, applied: this.applied };
  }

  private async encode(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    const p = payloadOf(task, blenderEncodePayload);
    const fps =
      this.worker && this.scene === p.scene
        ? frameRateOf(this.worker)
        : (await probeScene(p.scene)).frameRate;
    ctx.log(`encoding ${p.frames.length} frames at ${fps} fps into ${p.video}`);
    try {
      await encodeVideo({
        framesDir: p.outputDir,
        frames: p.frames,
        files: p.files ? p.frames.map((f) => fileFor(p, f)) : undefined,
        fps,
        output: p.video,
        signal: ctx.signal,
      });
    } catch (err) {
      // A full or read-only output is the job's, not this agent's: the job pauses for it.
      throw new TaskFailure(
        `ffmpeg could not encode the video: ${(err as Error).message}`,
        [],
        isOutputFault(err) ? 'job' : 'agent',
      );
    }
    return {
      video: resultName(p.video, p.outputDir, task.jobDir),
      frames: p.frames.length,
      fps,
    };
  }

  async close(): Promise<void> {
    this.early?.child.kill('SIGKILL');
    this.early = undefined;
    await this.worker?.stop().catch(() => {});
    this.worker = undefined;
  }
}

function frameRateOf(worker: BlenderWorker): string {
  const s = worker.info.scene;
  return `${s.fps}/${s.fps_base}`;
}
