/*
 * One file: BlenderWorker is one protocol client, whose state (the start, the one request in
 * flight, the process's end) every message and call reads. What stands apart already does: the
 * requests (worker-calls.ts), the process (worker-process.ts), the lines (protocol.ts).
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { MissingBinaryError } from '../../errors.js';
import { failureHeadline } from '../../process/failure-headline.js';
import { BlenderWorkerError } from './errors.js';
import type { SceneDependency } from './dependencies.js';
import { LogTail } from './log-tail.js';
import { spawnBlenderProcess, type ProcessEnd } from './worker-process.js';
import type { WorkerOverrides } from './overrides.js';
import {
  parseWorkerLine,
  type FrameFormat,
  type WorkerMessage,
  type WorkerReady,
} from './protocol.js';
import {
  configureCall,
  depsCall,
  mergeCall,
  renderCall,
  viewCall,
  type Answer,
  type WorkerCall,
} from './worker-calls.js';
import type {
  BlenderWorkerOptions,
  ConfigureResult,
  MergeOptions,
  MergeResult,
  RenderImageOptions,
  RenderResult,
  ViewResult,
} from './worker-types.js';

export { frameFileName } from './frames.js';
export { BlenderWorkerError } from './errors.js';
export type { FrameFormat, WorkerReady, SceneInfo, RenderDevice } from './protocol.js';
export type * from './worker-types.js';

interface Pending {
  id: number;
  /** What is being done, for messages: `render frame 12`, `merge still.png`. */
  label: string;
  frame: number | undefined;
  /** The files it writes (their partials are removed if Blender dies). */
  outputs: string[];
  /** Takes the worker's answer to this request. */
  accept: (msg: Answer) => void;
  reject: (e: Error) => void;
}

/** Removes the half-written image a killed worker left (worker.py names it `.partial-PID-*`). */
async function removePartials(dir: string, pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  const names = await readdir(dir).catch(() => [] as string[]);
  const mine = names.filter((n) => n.startsWith(`.partial-${pid}-`));
  await Promise.all(mine.map((n) => rm(path.join(dir, n), { force: true })));
}

/**
 * One Blender process with the scene loaded, rendering frame after frame through
 * blender-python/worker.py. `start()` first; `render()` calls queue and run one at a time.
 */
export class BlenderWorker {
  private proc: ChildProcess | undefined;
  private readonly tail = new LogTail(40);
  private readyInfo: WorkerReady | undefined;
  private starting: { resolve: (r: WorkerReady) => void; reject: (e: Error) => void } | undefined;
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private ended: string | undefined;
  private stopping = false;
  private frameTimedOut = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly opts: BlenderWorkerOptions) {}

  /** The ready line: scene facts, device, denoising; throws before `start()` has finished. */
  get info(): WorkerReady {
    if (!this.readyInfo) throw new Error('BlenderWorker.info read before start() finished');
    return this.readyInfo;
  }

  /** Process id of Blender, while it runs. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Blender's last output lines (about 40), oldest first. */
  logTail(): string[] {
    return this.tail.toArray();
  }

  /** Spawns Blender (or takes over `opts.process`) and waits for the worker's ready line. */
  start(): Promise<WorkerReady> {
    if (this.proc) throw new Error('BlenderWorker.start() called twice');
    const started = this.opts.process ?? spawnBlenderProcess(this.opts);
    if (started.scene !== path.resolve(this.opts.scene))
      throw new Error(
        `BlenderWorker for ${this.opts.scene} given a process loading ${started.scene}`,
      );
    const proc = started.child;
    this.proc = proc;
    this.readLines(proc.stdout, true);
    this.readLines(proc.stderr, false);
    this.exited = started.ended.then((end) => this.onExit(end, proc.pid));
    return new Promise<WorkerReady>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.failStart(`did not get ready in ${this.opts.readyTimeoutMs ?? 120_000} ms`);
        proc.kill('SIGKILL');
      }, this.opts.readyTimeoutMs ?? 120_000);
      const done = () => clearTimeout(timer);
      this.starting = {
        resolve: (r) => (done(), resolve(r)),
        reject: (e) => (done(), reject(e)),
      };
    });
  }

  /**
   * Renders `frame` to `outputPath` (made absolute) as `format` (default: the configured format,
   * else PNG), or only `image.border` of it; waits for earlier calls first.
   */
  render(
    frame: number,
    outputPath: string,
    format?: FrameFormat,
    image: RenderImageOptions = {},
  ): Promise<RenderResult> {
    return this.call(renderCall(frame, outputPath, format, image));
  }

  /**
   * Applies per-job overrides to the loaded scene, starting from the scene as loaded (so `{}`
   * puts it back); resolves with what is in force. A bad value rejects and leaves the scene as
   * loaded.
   */
  configure(overrides: WorkerOverrides): Promise<ConfigureResult> {
    return this.call(configureCall(overrides));
  }

  /** Every file outside the .blend the loaded scene needs, with its size and whether it exists. */
  dependencies(): Promise<SceneDependency[]> {
    return this.call(depsCall());
  }

  /** Stitches float EXR tiles into `opts.output`, saved with the scene's colour management. */
  merge(opts: MergeOptions): Promise<MergeResult> {
    return this.call(mergeCall(opts));
  }

  /**
   * Renders the view camera (the scene camera's lens) placed at `matrix` (4×4 camera-to-world,
   * rows) to the PNG `outputPath`; waits for earlier calls first.
   */
  renderView(matrix: number[][], outputPath: string): Promise<ViewResult> {
    return this.call(viewCall(matrix, outputPath));
  }

  /** Sends `c` once every earlier request has been answered: one request at a time. */
  private call<T>(c: WorkerCall<T>): Promise<T> {
    const run = this.queue.then(() => this.send<T>(c));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Asks the worker to quit after the current frame; kills it after `timeoutMs` (default 10 s). */
  async stop(timeoutMs = 10_000): Promise<void> {
    const proc = this.proc;
    if (!proc || this.ended) return this.exited;
    this.stopping = true;
    proc.stdin?.end(JSON.stringify({ op: 'quit' }) + '\n');
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Writes one request and waits for its answer, which `c.read` turns into the result. */
  private send<T>(c: WorkerCall<T>): Promise<T> {
    const { request, label, frame, outputs, read } = c;
    if (this.ended)
      return Promise.reject(this.error(`is not running (${this.ended})`, frame, true));
    if (this.stopping) return Promise.reject(this.error('is stopping', frame));
    if (!this.readyInfo || !this.proc?.stdin)
      throw new Error('BlenderWorker.render() before start()');
    const stdin = this.proc.stdin;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const limit = this.opts.frameTimeoutMs;
      // Blender cannot cancel a render from Python, so a frame past its limit costs the process.
      const timer = limit ? setTimeout(() => this.killForTimeout(), limit) : undefined;
      const done = (): void => {
        this.pending = undefined;
        clearTimeout(timer);
      };
      this.pending = {
        id,
        label,
        frame,
        outputs,
        accept: (m) => {
          done();
          try {
            resolve(read(m));
          } catch (err) {
            reject(this.error(`could not ${label}: ${(err as Error).message}`, frame));
          }
        },
        reject: (e) => (done(), reject(e)),
      };
      stdin.write(JSON.stringify({ id, ...request }) + '\n');
    });
  }

  private killForTimeout(): void {
    this.frameTimedOut = true;
    this.proc?.kill('SIGKILL');
  }

  private readLines(stream: Readable | null, protocol: boolean): void {
    if (!stream) return;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      const msg = protocol ? parseWorkerLine(line) : undefined;
      if (msg) return this.onMessage(msg);
      this.tail.push(line);
      this.opts.onLine?.(line);
    });
  }

  private onMessage(msg: WorkerMessage): void {
    const p = this.pending;
    switch (msg.type) {
      case 'ready':
        this.readyInfo = msg;
        this.starting?.resolve(msg);
        return;
      case 'result':
      case 'view':
      case 'configured':
      case 'merged':
      case 'deps':
        if (p?.id === msg.id) p.accept(msg);
        return;
      case 'error':
        if (p && (msg.id === null || msg.id === p.id)) {
          const err = this.error(`could not ${p.label}: ${msg.error}`, p.frame);
          err.logTail.push(...msg.log_tail);
          p.reject(err);
        }
        return;
      case 'fatal':
        this.failStart(msg.error);
        p?.reject(this.error(`failed: ${msg.error}`, p.frame));
        return;
      case 'bye':
        return;
    }
  }

  private async onExit(r: ProcessEnd, pid: number | undefined): Promise<void> {
    if (r.error === 'ENOENT') {
      const bin = this.opts.blender ?? 'blender';
      this.starting?.reject(
        new MissingBinaryError(bin, 'Install Blender (apt-get install blender).'),
      );
    }
    this.ended = r.error
      ? `could not be started (${r.error})`
      : r.signal
        ? `killed by ${r.signal}`
        : `exited with code ${r.exitCode ?? '?'}`;
    if (this.frameTimedOut) this.ended = `frame took longer than ${this.opts.frameTimeoutMs} ms`;
    this.failStart(this.ended);
    const p = this.pending;
    if (!p) return;
    await Promise.all(p.outputs.map((o) => removePartials(path.dirname(o), pid)));
    p.reject(this.error(`${this.ended} while trying to ${p.label}`, p.frame, true));
  }

  private failStart(why: string): void {
    const s = this.starting;
    if (!s || this.readyInfo) return;
    this.starting = undefined;
    // Blender says why a scene did not load in its output ("Error: Cannot read file ...").
    s.reject(
      this.error(`could not load ${path.resolve(this.opts.scene)}: ${why}`, undefined, true),
    );
  }

  /**
   * A failure whose message is one headline (see failure-headline.ts); Blender's last lines go
   * beside it, in `logTail`. `ended`: Blender ended, so its output may say why; a worker's own
   * error message already does.
   */
  private error(what: string, frame?: number, ended = false): BlenderWorkerError {
    const lines = this.tail.toArray();
    const message = ended
      ? failureHeadline(`Blender worker ${what}`, { output: lines })
      : `Blender worker ${what}`;
    return new BlenderWorkerError(message, { logTail: lines, frame });
  }
}
