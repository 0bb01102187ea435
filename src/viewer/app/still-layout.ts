/** A tiled still's grid as the page draws it, pure (unit-tested in test/viewer/pages.test.ts). */
import type { StillView, TaskState, TaskView } from '../../api/types.js';

/** One tile on the page: where it sits (percent of the image), its task's state, its tooltip. */
export interface TileCell {
  index: number;
  taskId: number;
  state: TaskState;
  left: number;
  top: number;
  width: number;
  height: number;
  title: string;
  /** A done tile's PNG preview (served name and `?v=` version: when it was last done), else null. */
  preview: { name: string; version: string } | null;
}

const pct = (n: number, of: number) => (100 * n) / Math.max(1, of);

/** Each tile of the still with its task's state, placed as in the merged image. */
export function tileCells(still: StillView, tasks: ReadonlyMap<number, TaskView>): TileCell[] {
  return still.tiles.map((t) => {
    const task = tasks.get(t.taskId);
    const state = task?.state ?? 'queued';
    const where = task?.node ? ` on ${task.node} GPU ${task.gpu ?? '?'}` : '';
    const took =
      state === 'done' && task && task.startedAt !== null && task.finishedAt !== null
        ? `, ${((task.finishedAt - task.startedAt) / 1000).toFixed(1)} s`
        : '';
    const what = state === 'leased' ? 'rendering' : state;
    return {
      index: t.index,
      taskId: t.taskId,
      state,
      left: pct(t.x, still.width),
      top: pct(t.y, still.height),
      width: pct(t.width, still.width),
      height: pct(t.height, still.height),
      preview:
        state === 'done' ? { name: t.preview, version: String(task?.finishedAt ?? 0) } : null,
      title: `tile ${t.index + 1} of ${still.tiles.length}: ${what}${where}${took}${state === 'failed' && task?.error ? ` (${task.error})` : ''}`,
    };
  });
}

/** Whether the merged image is there, and the line under the still saying where it stands. */
export function stillStatus(
  still: StillView,
  tasks: ReadonlyMap<number, TaskView>,
): { merged: boolean; text: string } {
  const cells = tileCells(still, tasks);
  const done = cells.filter((c) => c.state === 'done').length;
  const failed = cells.filter((c) => c.state === 'failed').length;
  const merge = still.mergeTaskId === null ? undefined : tasks.get(still.mergeTaskId);
  const size = `${still.width}×${still.height}`;
  if (merge?.state === 'done')
    return { merged: true, text: `Frame ${still.frame} · ${size} · ${still.file}` };
  const tiles = `${done} of ${cells.length} tiles done${failed ? `, ${failed} failed` : ''}`;
  if (merge?.state === 'leased')
    return { merged: false, text: `${tiles}; merging on ${merge.node ?? '?'}…` };
  if (merge?.state === 'failed')
    return { merged: false, text: `${tiles}; the merge failed: ${merge.error ?? 'failed'}` };
  return { merged: false, text: `Frame ${still.frame} · ${size} · ${tiles}` };
}

/** Whether a browser can show the image (an OpenEXR cannot: it is offered as a download). */
export function showable(file: string): boolean {
  return /\.(png|jpe?g|webp|gif|bmp)$/i.test(file);
}
