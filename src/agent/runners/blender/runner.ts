import type { BlenderProcess } from '../../../renderers/blender/worker-process.js';
import { blenderWarmUpPayload } from '../../../coordinator/jobs/blender-warm-up.js';
import { TaskFailure, type LeasedTask, type RunContext, type TaskRunner } from '../../runner.js';
import { BLENDER_KINDS } from '../blender-kinds.js';
import { encodeFrames } from './encode.js';
import { renderFrames } from './frames.js';
import type { BlenderTaskHandler } from './handler.js';
import { LoadedBlender } from './loaded-blender.js';
import { mergeStillTiles } from './merge.js';
import { renderStillTiles } from './tiles.js';
import { renderViews } from './views.js';

/** Which handler runs each Blender task kind (every kind the runner takes has one). */
const HANDLERS: Record<(typeof BLENDER_KINDS)[number], BlenderTaskHandler> = {
  'blender-render': renderFrames,
  'blender-encode': encodeFrames,
  'blender-view': renderViews,
  'blender-tile': renderStillTiles,
  'blender-merge': mergeStillTiles,
};

/**
 * Runs the Blender task kinds through one Blender process that stays loaded with the scene
 * (LoadedBlender), one task at a time, each by its kind's handler.
 */
export class BlenderRunner implements TaskRunner {
  readonly kinds = BLENDER_KINDS;
  private readonly blender: LoadedBlender;

  constructor(opts: { threads: number; blender?: string; early?: BlenderProcess }) {
    this.blender = new LoadedBlender(opts);
  }

  /** Starts Blender with the scene (and overrides) the job's tasks will use. */
  async warmUp(_kind: string, payload: Record<string, unknown>, ctx: RunContext): Promise<void> {
    const p = blenderWarmUpPayload.safeParse(payload);
    if (!p.success) throw new TaskFailure(`warm-up: ${p.error.issues[0]?.message ?? 'invalid'}`);
    await this.blender.inTurn(() => this.blender.withWorker(p.data, ctx, async () => {}));
  }

  run(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    // The agent hands a runner only the kinds it lists, so this is a guard, not a path.
    const handler = HANDLERS[task.kind as keyof typeof HANDLERS] as BlenderTaskHandler | undefined;
    if (!handler) return Promise.reject(new TaskFailure(`not a Blender task kind: ${task.kind}`));
    return this.blender.inTurn(() => handler(task, ctx, this.blender));
  }

  close(): Promise<void> {
    return this.blender.close();
  }
}
