import type { JobProgress, JobState } from '../../api/types.js';

/** A finished task as the rate sees it: when it ran and how many units it did. */
export interface Completion {
  startedAt: number;
  finishedAt: number;
  units: number;
}

/** The rate window: completions of the last five minutes of work. */
export const RATE_WINDOW_MS = 5 * 60_000;
/** Without a completion for this long (or three of the usual gaps), a job is stalled. */
const MIN_STALL_MS = 30_000;

/** What a job's speed is: rate, ETA and the moment both are as of. */
export interface Pace {
  ratePerMinute: number;
  etaSeconds: number | null;
  asOf: number;
  elapsedSeconds: number;
}

/**
 * A job's pace, the one formula the API ships to the CLI and the viewer alike. The rate is the
 * units finished in the window before the last completion over the time they took, so it
 * changes only when work lands (and stays put between two updates, whoever asks); it is frozen
 * once no work is left or the job has ended. A job that has finished nothing for a while is
 * measured up to now instead, so its rate falls. The ETA is what is left at that rate, as of
 * `asOf`: readers count it down from there.
 */
export function paceOf(o: {
  state: JobState;
  /** When its work began (view/waiting.ts `startedAtOf`); null: not yet, no time has passed. */
  startedAt: number | null;
  finishedAt: number | null;
  /** Since when it is suspended (null: it is not), and what its earlier suspensions took (ms). */
  suspendedAt?: number | null;
  suspendedMs?: number;
  progress: JobProgress;
  completions: readonly Completion[];
  now: number;
}): Pace {
  const { progress: p, now } = o;
  const ended = o.state !== 'running' && o.state !== 'queued';
  const end = ended ? (o.finishedAt ?? now) : now;
  // Time spent waiting for Slurm is not the job's: it counts from its first agent. Nor is the
  // time it was suspended: the clock stops while it is.
  const stopped =
    (o.suspendedMs ?? 0) + (o.suspendedAt != null ? Math.max(0, end - o.suspendedAt) : 0);
  const elapsedSeconds =
    o.startedAt === null ? 0 : Math.max(0, Math.round((end - o.startedAt - stopped) / 1000));
  const done = o.completions.filter((c) => c.units > 0 && c.finishedAt <= end);
  if (!done.length) return { ratePerMinute: 0, etaSeconds: null, asOf: end, elapsedSeconds };
  const last = Math.max(...done.map((c) => c.finishedAt));
  const open = p.queued + p.leased;
  const inWindow = (at: number) => done.filter((c) => c.finishedAt >= at - RATE_WINDOW_MS);
  const recent = inWindow(last);
  const gaps = (last - Math.min(...recent.map((c) => c.finishedAt))) / Math.max(1, recent.length);
  const stalled = !ended && open > 0 && now - last > Math.max(MIN_STALL_MS, 3 * gaps);
  const asOf = stalled ? now : last;
  const counted = stalled ? inWindow(now) : recent;
  const units = counted.reduce((s, c) => s + c.units, 0);
  const first = Math.min(...counted.map((c) => c.startedAt), asOf);
  const perMinute = units / Math.max((asOf - first) / 60_000, 1 / 60);
  // A running task's done part is not left: a long frame half rendered is half an ETA shorter.
  const left = Math.max(0, p.total - p.done - p.failed - p.cancelled - (p.inFlight ?? 0));
  return {
    ratePerMinute: Math.round(perMinute * 10) / 10,
    etaSeconds:
      !ended && o.suspendedAt == null && left > 0 && perMinute > 0
        ? Math.round((left / perMinute) * 60)
        : null,
    asOf,
    elapsedSeconds,
  };
}
