import { formatFrames } from '../../renderers/blender/frames.js';
import { JOB_TYPES } from '../jobs/registry.js';
import type { TaskRow } from '../store/types.js';

/** A dataset task's views as its payload lists them (`train/r_0`...). */
function viewsOf(payload: Record<string, unknown>): { split: string; index: number }[] {
  const views = Array.isArray(payload.views) ? (payload.views as unknown[]) : [];
  return views.flatMap((v) => {
    const { split, index } = (v ?? {}) as { split?: unknown; index?: unknown };
    return typeof split === 'string' && typeof index === 'number' ? [{ split, index }] : [];
  });
}

/** How many dataset views a task renders (0 for tasks that render none). */
export function viewCount(t: Pick<TaskRow, 'payload'>): number {
  return viewsOf(t.payload).length;
}

/**
 * What a person calls a task: `frame 12` or `frames 12-15` for render tasks, the name its job
 * type gives it (`tile 2,1`, `merge`, an OpenJD task's `Process[Tile=3]`, a command's id, a
 * Plenoxels train_dir), `views train 0-3` for dataset tasks, and otherwise its stage and place
 * (`encode`, `render task 3`). Status, results, logs (`logs --task NAME`, find-task.ts) and the
 * viewer all read it here.
 */
export function taskName(t: TaskRow): string {
  if (t.frames.length === 1) return `frame ${t.frames[0] ?? ''}`;
  if (t.frames.length > 1) return `frames ${formatFrames(t.frames)}`;
  // The job type whose payloads include this task's kind names it.
  const type = JOB_TYPES.find((j) => Object.hasOwn(j.payloads, t.kind));
  const own = type?.taskName?.(t);
  if (own) return own;
  if (type?.results && t.stage === type.mainStage) {
    const named = type.results([t])[0]?.task;
    if (named && named !== `task-${t.id}`) return named;
  }
  const views = viewsOf(t.payload);
  if (views.length) {
    const bySplit = new Map<string, number[]>();
    for (const v of views) bySplit.set(v.split, [...(bySplit.get(v.split) ?? []), v.index]);
    return `views ${[...bySplit].map(([s, ix]) => `${s} ${formatFrames(ix)}`).join(', ')}`;
  }
  if (t.kind.endsWith('-encode')) return 'encode';
  return `${t.stage} task ${t.seq + 1}`;
}
