/** Pure helpers for the page (unit-tested in test/viewer/format.test.ts). */
import type { Progress, TaskState, TaskView } from '../../api/types.js';

import { shownState } from './pace-text.js';

export { formatDuration } from './pace-text.js';
export { timelineLanes, timelineSpan, type Lane, type Bar } from './timeline-lanes.js';

export function formatTime(ms: number | null): string {
  if (ms === null) return '—';
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

/** Shares of the progress bar, in percent (cancelled work apart from failed work). */
export function progressShares(p: Progress & { cancelled?: number }): {
  done: number;
  failed: number;
  cancelled: number;
  leased: number;
} {
  const t = Math.max(p.total, 1);
  const pct = (n: number) => (100 * n) / t;
  return {
    done: pct(p.done),
    failed: pct(p.failed),
    cancelled: pct(p.cancelled ?? 0),
    leased: pct(p.leased),
  };
}

/** When a job was submitted: the time today, or the date and time before. */
export function formatWhen(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(now).toDateString() === d.toDateString();
  const time = formatTime(ms).slice(0, 5);
  return today ? time : `${d.toLocaleString('en', { month: 'short', day: 'numeric' })} ${time}`;
}

/** How the jobs list can be ordered. */
export type JobSort = 'submitted' | 'name' | 'state' | 'duration' | 'progress';

/** Jobs matching a filter (words found in the name, id, kind or state; and a state), sorted. */
export function pickJobs<
  T extends {
    id: string;
    name: string;
    kind: string;
    state: string;
    /** Set while Slurm has not started the job: it then counts as `waiting`. */
    waiting?: unknown;
    /** Set while its user has suspended it: it then counts as `suspended`. */
    suspendedAt?: number | null;
    createdAt: number;
    /** When its work began; the duration counts from here (absent: from `createdAt`). */
    startedAt?: number | null;
    finishedAt: number | null;
    progress: Progress;
  },
>(
  jobs: readonly T[],
  o: { text?: string; state?: string; sort?: JobSort; descending?: boolean; now?: number },
): T[] {
  const words = (o.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const now = o.now ?? Date.now();
  const key = (j: T): number | string => {
    switch (o.sort ?? 'submitted') {
      case 'name':
        return j.name.toLowerCase();
      case 'state':
        return shownState(j);
      case 'duration':
        return j.startedAt === null ? 0 : (j.finishedAt ?? now) - (j.startedAt ?? j.createdAt);
      case 'progress':
        return j.progress.total ? j.progress.done / j.progress.total : 0;
      default:
        return j.createdAt;
    }
  };
  const dir = (o.descending ?? true) ? -1 : 1;
  return jobs
    .filter((j) => !o.state || shownState(j) === o.state)
    .filter((j) => {
      const hay = `${j.name} ${j.id} ${j.kind} ${shownState(j)}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return (x < y ? -1 : x > y ? 1 : 0) * dir || b.createdAt - a.createdAt;
    });
}

export function frameName(frame: number): string {
  return `frame_${String(frame).padStart(4, '0')}`;
}

/** Where the page reads a route from: `#code=...` (a login link) or `#/jobs`, `#/job/ID`, `#/cluster`. */
export type Route =
  | { view: 'jobs' }
  | { view: 'job'; id: string }
  | { view: 'cluster' }
  | { view: 'farm' }
  | { view: 'login'; code: string; job?: string };

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '');
  const login = /^code=([A-Za-z0-9_-]+)(?:&job=([^&/]+))?$/.exec(h);
  if (login) {
    const [, code = '', job] = login;
    return job === undefined
      ? { view: 'login', code }
      : { view: 'login', code, job: decodeURIComponent(job) };
  }
  const job = /^\/job\/([^/]+)$/.exec(h)?.[1];
  if (job) return { view: 'job', id: decodeURIComponent(job) };
  if (h === '/cluster') return { view: 'cluster' };
  if (h === '/farm') return { view: 'farm' };
  return { view: 'jobs' };
}

/** One cell of the frame grid. */
export interface FrameInfo {
  frame: number;
  taskId: number;
  state: TaskState;
  /** The thumbnail's name and version, `thumbs/frame_0001.jpg?v=…` (see thumbRef). */
  thumb: string | null;
  full: string | null;
  seconds: number | null;
  error: string | null;
  errorTail: string[];
  finishedAt: number | null;
  node: string | null;
  gpu: string | null;
  /** While this frame renders and its agent has said: how far it is and since when (ms). */
  live: { fraction: number; startedAt: number | null } | null;
}

/**
 * A thumbnail's name with the version its URL carries: the task's finish time, which changes
 * whenever the frame is rendered again (a thumbnail is written before its frame is reported), so
 * the browser may keep each version for good.
 */
export function thumbRef(file: string, finishedAt: number | null): string {
  return finishedAt === null ? file : `${file}?v=${finishedAt}`;
}

/** The frames a render task covers, with their files (thumbs/frame_0001.jpg, output/frame_0001.png). */
export function framesOf(t: TaskView): FrameInfo[] {
  const p = t.state === 'leased' ? t.progress : undefined;
  // The frame rendering now: the one the agent named, else a one-frame task's own.
  const liveFrame = p ? (p.frame ?? (t.frames.length === 1 ? t.frames[0] : undefined)) : undefined;
  return t.frames.map((frame) => {
    const name = frameName(frame);
    const thumbFile = t.files.find((f) => f.startsWith('thumbs/') && f.includes(name));
    return {
      frame,
      taskId: t.id,
      state: t.state,
      thumb: thumbFile ? thumbRef(thumbFile, t.finishedAt) : null,
      full: t.files.find((f) => !f.startsWith('thumbs/') && f.includes(name)) ?? null,
      seconds: t.frameSeconds[String(frame)] ?? null,
      error: t.error,
      errorTail: t.errorTail,
      finishedAt: t.finishedAt,
      node: t.node,
      gpu: t.gpu,
      live:
        p && frame === liveFrame
          ? {
              fraction: p.frameFraction ?? p.fraction,
              startedAt: p.frameStartedAt ?? t.startedAt,
            }
          : null,
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

/**
 * Whether a line of Slurm's job output is Slurm ending a step it was told to end (a released
 * node, a finished job): `CANCELLED AT`, `exit code 143` (SIGTERM), `Terminated`.
 */
export function isReleaseNoise(line: string): boolean {
  return /\*\*\* (STEP|JOB) [\d.]+ ON \S+ CANCELLED AT|exit code 143|Exited with exit code 143|srun: (forcing job termination|Job step aborted|error: .*Terminated)|^Terminated$/.test(
    line,
  );
}
