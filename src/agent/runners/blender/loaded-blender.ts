import path from 'node:path';
import {
  BlenderWorker,
  BlenderWorkerError,
  type SceneInfo,
} from '../../../renderers/blender/worker.js';
import {
  toWorkerOverrides,
  type RenderOverrides,
  type WorkerOverrides,
} from '../../../renderers/blender/overrides.js';
import type { BlenderProcess } from '../../../renderers/blender/worker-process.js';
import { TaskFailure, type RunContext } from '../../runner.js';
import { blameFor } from './blame.js';

/**
 * The one Blender process an agent keeps loaded with a scene between tasks. A new scene (or a
 * Blender that died) starts a new process; tasks and the warm-up take turns with it.
 */
export class LoadedBlender {
  private worker: BlenderWorker | undefined;
  /** The overrides the worker has in force (JSON), so a task with the same ones skips configure. */
  private configured = '{}';
  /** The scene as the last configure left it; undefined: as loaded (the ready line's). */
  private sceneNow: SceneInfo | undefined;
  /** What the last configure put in force, as Blender reported it. */
  private appliedNow: WorkerOverrides = {};
  private scene: string | undefined;

  /** Who reads Blender's output lines besides the log (a task's progress), while it runs. */
  private lineWatch: ((line: string) => void) | undefined;

  /** A Blender the agent started before it loaded (see early-start.ts), until a task takes it. */
  private early: BlenderProcess | undefined;

  constructor(
    private readonly opts: { threads: number; blender?: string; early?: BlenderProcess },
  ) {
    this.early = opts.early;
  }

  /** What the last configure put in force, as Blender reported it. */
  get applied(): WorkerOverrides {
    return this.appliedNow;
  }

  /** The scene as the last configure left it; undefined: as loaded (the worker's ready line). */
  get configuredScene(): SceneInfo | undefined {
    return this.sceneNow;
  }

  /** The frame rate (`fps/fps_base`) of `scene` when it is the one loaded, else undefined. */
  frameRateOf(scene: string): string | undefined {
    if (!this.worker || this.scene !== scene) return undefined;
    const s = this.worker.info.scene;
    return `${s.fps}/${s.fps_base}`;
  }

  /** Hands Blender's output lines to `fn` until the function it returns is called. */
  watchLines(fn: (line: string) => void): () => void {
    this.lineWatch = fn;
    return () => {
      if (this.lineWatch === fn) this.lineWatch = undefined;
    };
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
      onLine: (line) => {
        ctx.log(`blender: ${line}`);
        this.lineWatch?.(line);
      },
      process: this.takeEarly(scene),
    });
    this.scene = scene;
    this.configured = '{}';
    this.sceneNow = undefined;
    this.appliedNow = {};
    const ready = await this.worker.start();
    ctx.log(`blender ready: pid ${this.worker.pid ?? '?'}, device ${JSON.stringify(ready.device)}`);
    return this.worker;
  }

  /**
   * Runs `fn` with the loaded Blender for `scene`; an aborted lease stops Blender, and any failure
   * becomes a TaskFailure with Blender's last lines and starts the next task from a fresh Blender
   * (this one may have died or be mid-frame).
   */
  async withWorker(
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
        this.appliedNow = c.applied;
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
      throw new TaskFailure((err as Error).message, lines, blameFor(err, lines));
    }
  }

  /** The warm-up or task in progress: a task waits for the warm-up, which started its Blender. */
  private turn: Promise<unknown> = Promise.resolve();

  /** Runs `fn` once the warm-up or task before it has ended: one at a time. */
  inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.turn.then(fn, fn);
    this.turn = next.catch(() => undefined);
    return next;
  }

  /** Stops the early Blender, if no task took it, and the loaded one. */
  async close(): Promise<void> {
    this.early?.child.kill('SIGKILL');
    this.early = undefined;
    await this.worker?.stop().catch(() => {});
    this.worker = undefined;
  }
}
