import type { JobProgress, Progress, ProgressUnit } from '../../api/types.js';
import { EVERY_STAGE } from '../jobs/job-type.js';
import { jobTypeOf } from '../jobs/registry.js';
import type { TasksTable } from '../store/tables/tasks/tasks-table.js';
import type { JobRow, TaskRow } from '../store/types.js';
import type { LiveProgress } from '../store/live-progress.js';
import { type Completion, RATE_WINDOW_MS } from './rate.js';
import { viewCount } from './task-name.js';

/** What counting a job's progress reads. */
export type ProgressStore = {
  tasks: Pick<TasksTable, 'progress' | 'list' | 'recentCompletions'>;
  /** What the running tasks' agents said of them (in memory); none: nothing is in flight. */
  live?: Pick<LiveProgress, 'of' | 'noted'>;
};

const empty = (): JobProgress => ({
  total: 0,
  done: 0,
  failed: 0,
  leased: 0,
  queued: 0,
  cancelled: 0,
});

/** The stage a job's progress counts; undefined for job types that count every stage. */
export function progressStage(job: Pick<JobRow, 'kind'>): string | undefined {
  const main = jobTypeOf(job.kind).mainStage;
  return main === EVERY_STAGE ? undefined : main;
}

/** The unit a job's progress counts, as its job type declares. */
export function unitOf(job: Pick<JobRow, 'kind'>): ProgressUnit {
  return jobTypeOf(job.kind).progressUnit;
}

/** How many units one task is worth. */
export function unitsOfTask(unit: ProgressUnit, t: Pick<TaskRow, 'frames' | 'payload'>): number {
  if (unit === 'frames') return t.frames.length;
  if (unit === 'views') return viewCount(t);
  return 1;
}

/**
 * A job's main-stage progress in its unit, with cancelled work apart from failed work (the
 * store's counts fold the two together).
 */
export function jobProgress(store: ProgressStore, job: JobRow): JobProgress {
  const unit = unitOf(job);
  const stage = progressStage(job);
  if (unit === 'views') {
    const p = empty();
    for (const t of store.tasks.list(job.id, { stage }).tasks) {
      const n = unitsOfTask(unit, t);
      p.total += n;
      p[t.state] += n;
    }
    return withInFlight(store, job, unit, stage, p);
  }
  const counts = store.tasks.progress(job.id, stage);
  const base: Progress = unit === 'frames' ? counts.frames : counts.tasks;
  const p: JobProgress = { ...base, cancelled: 0 };
  if (p.failed > 0) {
    const cancelled = store.tasks.list(job.id, { stage, state: 'cancelled' }).tasks;
    p.cancelled = cancelled.reduce((s, t) => s + unitsOfTask(unit, t), 0);
    p.failed -= p.cancelled;
  }
  return withInFlight(store, job, unit, stage, p);
}

/** `p` with the units its running tasks have done so far (their agents' last word). */
function withInFlight(
  store: ProgressStore,
  job: JobRow,
  unit: ProgressUnit,
  stage: string | undefined,
  p: JobProgress,
): JobProgress {
  const live = store.live;
  if (!live || p.leased === 0 || !live.noted(job.id)) return p;
  let inFlight = 0;
  for (const t of store.tasks.list(job.id, { stage, state: 'leased' }).tasks)
    inFlight += (live.of(t)?.fraction ?? 0) * unitsOfTask(unit, t);
  return inFlight > 0 ? { ...p, inFlight: Math.min(p.leased, inFlight) } : p;
}

/** The job's finished tasks, each with the units it did (for the rate). */
export function completionsOf(store: ProgressStore, job: JobRow): Completion[] {
  const unit = unitOf(job);
  if (unit === 'views')
    return store.tasks
      .list(job.id, { stage: progressStage(job), state: 'done' })
      .tasks.flatMap((t) =>
        t.startedAt !== null && t.finishedAt !== null
          ? [{ startedAt: t.startedAt, finishedAt: t.finishedAt, units: viewCount(t) }]
          : [],
      );
  return store.tasks.recentCompletions(job.id, RATE_WINDOW_MS, unit === 'frames').map((c) => ({
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    units: unit === 'frames' ? c.frames : 1,
  }));
}
