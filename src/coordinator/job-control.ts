// One file, over 8 KB: ending, cancelling and retrying a job touch the same rows in the same
// order (tasks, stages, allocations, the job) and must agree on it; apart they could drift.
import { UsageError } from '../errors.js';
import { NotFoundError } from './errors.js';
import type { JobDetail, RetryReply } from '../api/types.js';
import type { Actor, RecordFn } from './history.js';
import { usefulNodes } from './scaling/autoscaler.js';
import type { JobFiles } from './io/job-files.js';
import { jobTypeOf } from './jobs/registry.js';
import type { JobsTable } from './store/tables/jobs.js';
import type { NoticesTable } from './store/tables/notices.js';
import { jobEndNotice } from './notify/job-end-notice.js';
import type { StagesTable } from './store/tables/stages.js';
import type { TaskEditsTable } from './store/tables/task-edits.js';
import type { TasksTable } from './store/tables/tasks/tasks-table.js';
import type { JobRow, TaskRow } from './store/types.js';

/** What ending, cancelling and retrying jobs needs. */
export interface JobControlPorts {
  store: {
    jobs: Pick<JobsTable, 'get' | 'update'>;
    stages: Pick<StagesTable, 'list' | 'setState'>;
    tasks: Pick<TasksTable, 'list' | 'cancelOpen' | 'reopen' | 'get' | 'progress'>;
    taskEdits: Pick<TaskEditsTable, 'cancelOne'>;
    notices: Pick<NoticesTable, 'queue'>;
  };
  files: JobFiles;
  record: RecordFn;
  /** Wakes the job's agents (to exit, or to find work again). */
  notify: (jobId: string) => void;
  /** Releases every allocation of the job still held. */
  releaseAll: (jobId: string) => Promise<void>;
  /** Whether Slurm still runs an allocation of the job (as the reconcile loop last saw). */
  holdsAllocations: (jobId: string) => boolean;
  /** Forgets the stage flow's counts after tasks were queued again. */
  resetStages: () => void;
  /** Moves a job through its finished stages (and plans the next). */
  advance: (jobId: string) => void;
  /** A task left the queue for good: its stage (and job) may be over. */
  settled: (task: TaskRow) => void;
  detail: (jobId: string) => JobDetail;
  requireJob: (jobId: string) => JobRow;
  now: () => number;
  /** Lets agents hear "exit" before their allocation is cancelled (default 1 s). */
  releaseDelayMs?: number;
}

/** Ends jobs (with what their kind leaves behind), cancels them, and queues their work again. */
export class JobControl {
  /** Jobs that ended and whose agents are still leaving, until when (see `finish`). */
  private readonly leaving = new Map<string, number>();

  constructor(private readonly p: JobControlPorts) {}

  /** Whether an ended job's allocations are left to end on their own for now. */
  closing(jobId: string): boolean {
    const until = this.leaving.get(jobId);
    return until !== undefined && this.p.now() < until;
  }

  /** Ends a job: records the outcome, wakes its agents so they exit, and releases its allocations. */
  finish(
    jobId: string,
    state: 'succeeded' | 'failed' | 'cancelled',
    error: string | null = null,
    actor: Actor = 'coordinator',
  ): void {
    const { store, record } = this.p;
    const now = this.p.now();
    const was = store.jobs.get(jobId);
    // An ended job is no longer suspended (a retry runs it at once); the time it was stays out.
    const resumed =
      was?.suspendedAt != null
        ? { suspendedAt: null, suspendedMs: (was.suspendedMs ?? 0) + now - was.suspendedAt }
        : {};
    store.jobs.update(jobId, { state, error, finishedAt: now, ...resumed });
    if (state === 'cancelled') store.tasks.cancelOpen(jobId, now);
    const job = store.jobs.get(jobId);
    if (job) {
      this.p.files.removePartials(job);
      this.leaveBehind(job);
      // The outbox, not a send: delivery (notify/delivery.ts) never holds the job up.
      const notice = jobEndNotice(job, state, store.tasks.progress(jobId).tasks, now);
      store.notices.queue(jobId, JSON.stringify(notice), now);
    }
    record(jobId, `job:${state}`, actor, error ?? `job ${state}`);
    this.p.notify(jobId);
    // Agents exit on their own once told, after what their kind does on the way out (an OpenJD
    // onExit); cancelling makes sure no node stays held once they are gone or their time is up.
    const closing = job && state !== 'cancelled' ? (jobTypeOf(job.kind).closingMs?.(job) ?? 0) : 0;
    const until = this.p.now() + closing;
    if (closing > 0) this.leaving.set(jobId, until);
    const release = () => {
      this.leaving.delete(jobId);
      void this.p.releaseAll(jobId).catch(() => {});
    };
    const poll = () => {
      if (!this.p.holdsAllocations(jobId) || this.p.now() >= until) release();
      else setTimeout(poll, 500).unref();
    };
    setTimeout(closing > 0 ? poll : release, this.p.releaseDelayMs ?? 1_000).unref();
  }

  /** Writes what the job's kind leaves when it ends; a failure is noted, never thrown. */
  private leaveBehind(job: JobRow): void {
    const type = jobTypeOf(job.kind);
    if (!type.onJobEnded) return;
    const note = (m: string) => this.p.record(job.id, 'results:written', 'coordinator', m);
    try {
      const end = type.onJobEnded(job, this.p.store.tasks.list(job.id, {}).tasks);
      this.p.files.write(end.files);
      end.notes.forEach(note);
    } catch (err) {
      note(`could not write the job's results: ${(err as Error).message}`);
    }
  }

  cancel(jobId: string, actor: Actor = 'user'): JobDetail {
    const job = this.p.requireJob(jobId);
    if (job.state === 'running' || job.state === 'queued')
      this.finish(jobId, 'cancelled', null, actor);
    return this.p.detail(jobId);
  }

  /** Whether the job's kind makes a stage's tasks when it starts, and one has not started. */
  private plansStages(job: JobRow): boolean {
    return (
      jobTypeOf(job.kind).onStageReady !== undefined &&
      this.p.store.stages.list(job.id).some((s) => s.state === 'waiting')
    );
  }

  /** Requeues failed tasks (or the tasks holding `frames`) with fresh attempts; the job runs again. */
  retry(jobId: string, frames?: number[], actor: Actor = 'user'): RetryReply {
    const { store } = this.p;
    const job = this.p.requireJob(jobId);
    const all = store.tasks.list(jobId, {}).tasks;
    const wanted = frames
      ? all.filter((t) => t.stage === 'render' && t.frames.some((f) => frames.includes(f)))
      : all.filter(
          (t) => t.state === 'failed' || (job.state === 'cancelled' && t.state === 'cancelled'),
        );
    if (frames) {
      const known = new Set(all.flatMap((t) => t.frames));
      const unknown = frames.filter((f) => !known.has(f));
      if (unknown.length)
        throw new UsageError(`frames ${unknown.join(',')} are not part of job ${jobId}`);
    }
    if (!wanted.length && job.state === 'failed' && !frames && this.plansStages(job)) {
      // It failed before its next stage had tasks (an earlier step's output was not there):
      // plan that stage again.
      store.jobs.update(jobId, { state: 'running', error: null, finishedAt: null });
      this.p.record(jobId, 'job:retried', actor, 'the next stage is planned again', { tasks: 0 });
      this.p.advance(jobId);
      return { ...this.p.detail(jobId), requeued: { tasks: 0, units: 0 } };
    }
    if (!wanted.length) throw new UsageError(`job ${jobId} has no failed tasks to retry`);
    const n = this.reopen(jobId, all, wanted);
    this.p.record(jobId, 'job:retried', actor, `${n} task(s) queued again`, {
      tasks: n,
      frames: frames ?? null,
    });
    this.p.notify(jobId);
    const detail = this.p.detail(jobId);
    const units =
      detail.unit === 'frames' ? new Set(wanted.flatMap((t) => t.frames)).size : wanted.length;
    return { ...detail, requeued: { tasks: wanted.length, units } };
  }

  /**
   * Queues one finished task (done, failed or cancelled) again, with the stages after it; the
   * job runs again if it had ended. A task still queued or running is refused.
   */
  requeueTask(jobId: string, taskId: number, name: string, actor: Actor = 'user'): TaskRow {
    const all = this.p.store.tasks.list(jobId, {}).tasks;
    const task = this.taskOf(jobId, taskId, all);
    if (task.state === 'queued' || task.state === 'leased')
      throw new UsageError(
        `${name} is ${task.state === 'leased' ? 'running' : 'queued'} already; cancel it first to start it over`,
      );
    this.reopen(jobId, all, [task]);
    this.p.record(jobId, 'job:retried', actor, `${name} queued again`, {
      tasks: 1,
      taskId,
    });
    this.p.notify(jobId);
    return this.p.store.tasks.get(taskId) ?? task;
  }

  /**
   * Cancels one queued or running task (its agent stops at its next renewal). When it was the
   * last open task of its stage, the stage flow ends the job: a cancelled task counts as not done.
   */
  cancelTask(jobId: string, taskId: number, name: string, actor: Actor = 'user'): TaskRow {
    const task = this.taskOf(jobId, taskId);
    const job = this.p.requireJob(jobId);
    if (job.state !== 'running')
      throw new UsageError(`job ${jobId} is ${job.state}: nothing of it runs to cancel`);
    if (!this.p.store.taskEdits.cancelOne(jobId, taskId, this.p.now()))
      throw new UsageError(
        `${name} is ${task.state}: only a queued or running task can be cancelled`,
      );
    this.p.record(jobId, 'task:cancelled', actor, `${name} cancelled`, { taskId });
    this.p.notify(jobId);
    this.p.settled(task);
    return this.p.store.tasks.get(taskId) ?? task;
  }

  private taskOf(jobId: string, taskId: number, all?: TaskRow[]): TaskRow {
    const task = all ? all.find((t) => t.id === taskId) : this.p.store.tasks.get(taskId);
    if (!task || task.jobId !== jobId)
      throw new NotFoundError(
        `no task ${taskId} in job ${jobId}: \`cluster-tool status ${jobId}\` lists them`,
      );
    return task;
  }

  /** Queues `wanted` again and re-opens every stage from the earliest one that got work back. */
  private reopen(jobId: string, all: TaskRow[], wanted: TaskRow[]): number {
    const { store } = this.p;
    const n = store.tasks.reopen(
      jobId,
      wanted.map((t) => t.id),
    );
    const stages = store.stages.list(jobId);
    const seqOf = (name: string) => stages.find((s) => s.name === name)?.seq ?? 0;
    const first = Math.min(...wanted.map((t) => seqOf(t.stage)));
    for (const s of stages) {
      if (s.seq === first) store.stages.setState(jobId, s.name, 'ready');
      else if (s.seq > first) store.stages.setState(jobId, s.name, 'waiting');
    }
    this.p.resetStages();
    // Later stages (the encode) run again over the new frames.
    if (first < Math.max(...stages.map((s) => s.seq)))
      store.tasks.reopen(
        jobId,
        all.filter((t) => seqOf(t.stage) > first).map((t) => t.id),
      );
    const job = this.p.requireJob(jobId);
    // A job that had ended starts again on no more nodes than its reopened work can use.
    const firstStage = stages.find((s) => s.seq === first)?.name;
    const open = store.tasks.list(jobId, { stage: firstStage, state: 'queued', limit: 0 }).total;
    const nodesWanted = job.state === 'running' ? undefined : restartNodes(job, open);
    store.jobs.update(jobId, { state: 'running', error: null, finishedAt: null, nodesWanted });
    return n;
  }
}

/**
 * How many nodes an ended job starts again with for `openTasks` queued tasks: one GPU per task at
 * most, never more than it wanted before, within its autoscaling bounds.
 */
export function restartNodes(job: JobRow, openTasks: number): number {
  let n = Math.min(job.nodesWanted, usefulNodes(openTasks, job.gpusPerNode));
  if (job.auto) n = Math.min(job.auto.max, Math.max(job.auto.min, n));
  return Math.max(1, n);
}
