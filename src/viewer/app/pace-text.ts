/**
 * How a job's progress, rate, ETA and time read, in words shared by the viewer and the CLI, so
 * that both say the same thing of the same moment. Pure: no DOM, no I/O (the CLI imports it).
 */
import type {
  CoordinatorHealth,
  JobProgress,
  JobSummary,
  ProgressUnit,
  RetryReply,
  TaskLiveProgress,
} from '../../api/types.js';

/** `1 min 04 s`, `42 s`, `2 h 05 min`; `—` when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

const WORDS: Record<ProgressUnit, [string, string]> = {
  frames: ['frame', 'frames'],
  tasks: ['task', 'tasks'],
  views: ['view', 'views'],
  session: ['node', 'nodes'],
};

/** `frame`/`frames`, `task`/`tasks`, `view`/`views` for `n` of them. */
export function unitWord(unit: ProgressUnit, n = 2): string {
  const [one, many] = WORDS[unit];
  return n === 1 ? one : many;
}

/** `22.1 frames/min`; `—` before anything finished. */
export function rateText(s: Pick<JobSummary, 'ratePerMinute' | 'unit'>): string {
  if (!(s.ratePerMinute > 0)) return '—';
  const n = s.ratePerMinute >= 100 ? Math.round(s.ratePerMinute) : s.ratePerMinute.toFixed(1);
  return `${n} ${unitWord(s.unit)}/min`;
}

/** Seconds left at `now`: the shipped ETA counted down from when it was computed. */
export function etaSecondsAt(
  s: Pick<JobSummary, 'etaSeconds' | 'asOf'>,
  now: number,
): number | null {
  if (s.etaSeconds === null) return null;
  return Math.max(0, Math.round(s.etaSeconds - (now - s.asOf) / 1000));
}

/** The ETA as a duration (`1 min 04 s`), `—` when unknown or over. */
export function etaText(s: Pick<JobSummary, 'etaSeconds' | 'asOf'>, now: number): string {
  const left = etaSecondsAt(s, now);
  return left === null ? '—' : left === 0 ? 'any moment' : formatDuration(left);
}

/**
 * Seconds since the job's first agent at `now`, or the whole run once the job has ended; 0 while
 * it waits for Slurm (the wait is not its running time).
 */
export function elapsedAt(
  s: Pick<JobSummary, 'startedAt' | 'finishedAt'> &
    Partial<Pick<JobSummary, 'suspendedAt' | 'suspendedMs'>>,
  now: number,
): number {
  if (s.startedAt === null) return 0;
  // The clock stops while the job is suspended (view/rate.ts counts the same way).
  const end = s.finishedAt ?? now;
  const stopped =
    (s.suspendedMs ?? 0) + (s.suspendedAt != null ? Math.max(0, end - s.suspendedAt) : 0);
  return Math.max(0, Math.round((end - s.startedAt - stopped) / 1000));
}

/** `running for 3 min 20 s`, `took 5 min 02 s` once ended, `not started yet` before its first agent. */
export function timeText(
  s: Pick<JobSummary, 'startedAt' | 'finishedAt'> &
    Partial<Pick<JobSummary, 'suspendedAt' | 'suspendedMs'>>,
  now: number,
): string {
  if (s.startedAt === null) return s.finishedAt === null ? 'not started yet' : 'never started';
  const d = formatDuration(elapsedAt(s, now));
  return s.finishedAt === null ? `running for ${d}` : `took ${d}`;
}

/**
 * The state a person is shown: `suspended` while its user has suspended it, `waiting` while
 * Slurm has not started it, else its state.
 */
export function shownState(s: { state: string; waiting?: unknown; suspendedAt?: unknown }): string {
  if (s.suspendedAt != null && (s.state === 'running' || s.state === 'queued')) return 'suspended';
  return s.waiting ? 'waiting' : s.state;
}

/** `12/48 frames` (or views, tasks). */
export function doneText(p: JobProgress, unit: ProgressUnit): string {
  return unit === 'session' ? '—' : `${p.done}/${p.total} ${unitWord(unit, p.total)}`;
}

/** What is not done yet, in words: `3 rendering, 2 queued, 1 failed, 4 cancelled`. */
export function restText(p: JobProgress, unit: ProgressUnit): string {
  const busy = unit === 'frames' || unit === 'views' ? 'rendering' : 'running';
  return (
    [
      [p.leased, busy],
      [p.queued, 'queued'],
      [p.failed, 'failed'],
      [p.cancelled, 'cancelled'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, w]) => `${n} ${w}`)
    .join(', ');
}

/** A whole percent, never 100 before the end: `42%`. */
export function percentText(fraction: number): string {
  return `${Math.min(99, Math.floor(fraction * 100))}%`;
}

/**
 * How far a running task is, in words: `frame 12 42% compositing, 31 s`: the frame rendering
 * now (named unless `showFrame` is false) and its time when its agent named one, else the whole
 * task's part.
 */
export function liveText(p: TaskLiveProgress, now: number, showFrame = true): string {
  const part = p.frameFraction ?? p.fraction;
  const frame = showFrame && p.frame !== null ? `frame ${p.frame} ` : '';
  const what = p.activity && !/^Sample /.test(p.activity) ? ` ${p.activity.toLowerCase()}` : '';
  const time =
    p.frameStartedAt !== null ? `, ${formatDuration((now - p.frameStartedAt) / 1000)}` : '';
  return `${frame}${percentText(part)}${what}${time}`;
}

/** What to say while the coordinator cannot write its state; undefined while it can. */
export function outageText(h: CoordinatorHealth | undefined): string | undefined {
  const o = h?.writeOutage;
  if (!o) return undefined;
  const since = new Date(o.since).toISOString().slice(11, 19);
  return `the coordinator cannot write its state since ${since} UTC (${o.reason}): agents keep their tasks and call again; nothing counts against them, and it carries on when writing works again`;
}

/** What one retry queued again, then what is left: `1 frame queued again (1 queued)`. */
export function requeuedText(r: Pick<RetryReply, 'requeued' | 'progress' | 'unit'>): string {
  const { tasks, units } = r.requeued;
  const head =
    tasks === 0
      ? 'its next stage is planned again'
      : units > 0
        ? `${units} ${unitWord(r.unit, units)} queued again`
        : `${tasks} ${tasks === 1 ? 'task' : 'tasks'} queued again`;
  const rest = restText(r.progress, r.unit);
  return rest ? `${head} (${rest})` : head;
}

/** A Slurm reason worth showing (Slurm says `None` when it has none). */
export function slurmReason(reason: string): string {
  return reason && reason !== 'None' ? reason : '';
}
