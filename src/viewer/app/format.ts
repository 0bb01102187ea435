/** Pure helpers for the page (unit-tested in test/viewer/format.test.ts). */
import type { Progress, TaskState, TaskView } from '../../coordinator/api-types.js';

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

export function formatRate(perMinute: number): string {
  return perMinute > 0
    ? `${perMinute >= 10 ? Math.round(perMinute) : perMinute.toFixed(1)}/min`
    : '—';
}

export function formatTime(ms: number | null): string {
  if (ms === null) return '—';
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

/** Shares of the progress bar, in percent. */
export function progressShares(p: Progress): { done: number; failed: number; leased: number } {
  const t = Math.max(p.total, 1);
  return { done: (100 * p.done) / t, failed: (100 * p.failed) / t, leased: (100 * p.leased) / t };
}

export function frameName(frame: number): string {
  return `frame_${String(frame).padStart(4, '0')}`;
}

/** Where the page reads a route from: `#code=...` (a login link) or `#/jobs`, `#/job/ID`, `#/cluster`. */
export type Route =
  | { view: 'jobs' }
  | { view: 'job'; id: string }
  | { view: 'cluster' }
  | { view: 'login'; code: string };

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '');
  const code = /^code=([A-Za-z0-9_-]+)$/.exec(h)?.[1];
  if (code) return { view: 'login', code };
  const job = /^\/job\/([^/]+)$/.exec(h)?.[1];
  if (job) return { view: 'job', id: decodeURIComponent(job) };
  if (h === '/cluster') return { view: 'cluster' };
  return { view: 'jobs' };
}

/** One cell of the frame grid. */
export interface FrameInfo {
  frame: number;
  taskId: number;
  state: TaskState;
  thumb: string | null;
  full: string | null;
  seconds: number | null;
  error: string | null;
  errorTail: string[];
}

/** The frames a render task covers, with their files (thumbs/frame_0001.jpg, output/frame_0001.png). */
export function framesOf(t: TaskView): FrameInfo[] {
  return t.frames.map((frame) => {
    const name = frameName(frame);
    return {
      frame,
      taskId: t.id,
      state: t.state,
      thumb: t.files.find((f) => f.startsWith('thumbs/') && f.includes(name)) ?? null,
      full: t.files.find((f) => !f.startsWith('thumbs/') && f.includes(name)) ?? null,
      seconds: t.frameSeconds[String(frame)] ?? null,
      error: t.error,
      errorTail: t.errorTail,
    };
  });
}

/** Which items of a virtualized grid to draw for a scroll position (with `overscan` rows around). */
export function visibleRange(o: {
  scrollTop: number;
  viewHeight: number;
  rowHeight: number;
  columns: number;
  total: number;
  overscan?: number;
}): { first: number; last: number } {
  const over = o.overscan ?? 2;
  const firstRow = Math.max(0, Math.floor(o.scrollTop / o.rowHeight) - over);
  const lastRow = Math.ceil((o.scrollTop + o.viewHeight) / o.rowHeight) + over;
  return {
    first: Math.min(o.total, firstRow * o.columns),
    last: Math.min(o.total, lastRow * o.columns),
  };
}

/** A lane of the per-GPU timeline: one node/GPU, with the frames rendered there. */
export interface Lane {
  key: string;
  bars: {
    start: number;
    end: number;
    frames: number[];
    state: TaskState;
    agentId: string | null;
  }[];
}

export function timelineLanes(tasks: TaskView[], now: number): Lane[] {
  const lanes = new Map<string, Lane>();
  for (const t of tasks) {
    if (t.startedAt === null || t.node === null) continue;
    const key = `${t.node} / GPU ${t.gpu ?? '?'}`;
    let lane = lanes.get(key);
    if (!lane) lanes.set(key, (lane = { key, bars: [] }));
    lane.bars.push({
      start: t.startedAt,
      end: t.finishedAt ?? now,
      frames: t.frames,
      state: t.state,
      agentId: t.agentId,
    });
  }
  return [...lanes.values()].sort((a, b) =>
    a.key.localeCompare(b.key, undefined, { numeric: true }),
  );
}
