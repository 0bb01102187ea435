import { UsageError } from '../errors.js';
import type { JobDetail } from './api-types.js';
import type { Actor, RecordFn } from './history.js';
import type { JobFiles } from './io/job-files.js';
import { jobTypeOf } from './jobs/registry.js';
import type { JobsTable } from './store/tables/jobs.js';
import type { StagesTable } from './store/tables/stages.js';
import type { TasksTable } from './store/tables/tasks.js';
import type { JobRow } from './store/types.js';

/** What ending, cancelling and retrying jobs needs. */
export interface JobControlPorts {
  store: {
    jobs: Pick<JobsTable, 'get' | 'update'>;
    stages: Pick<StagesTable, 'list' | 'setState'>;
    tasks: Pick<TasksTable, 'list' | 'cancelOpen' | 'reopen'>;
  };
  files: JobFiles;
  record: RecordFn;
  /** Wakes the job's agents (to exit, or to find work again). */
  notify: (jobId: string) => void;
  /** Releases every allocation of the job still held. */
  releaseAll: (jobId: string) => Promise<void>;
  /** Forgets the stage flow's counts after tasks were queued again. */
  resetStages: () => void;
  detail: (jobId: string) => JobDetail;
  requireJob: (jobId: string) => JobRow;
  now: () => number;
  /** Lets agents hear "exit" before their allocation is cancelled (default 1 s). */
  releaseDelayMs?: number;
}

/** Ends jobs (with what their kind leaves behind), cancels them, and queues their work again. */
export class JobControl {
  constructor(private readonly p: JobControlPorts) {}

  /** Ends a job: records the outcome, wakes its agents so they exit, and releases its allocations. */
  finish(
    jobId: string,
    state: 'succeeded' | 'failed' | 'cancelled',
    error: string | null = null,
    actor: Actor = 'coordinator',
  ): void {
    const { store, record } = this.p;
    store.jobs.update(jobId, { state, error, finishedAt: this.p.now() });
    if (state === 'cancelled') store.tasks.cancelOpen(jobId, this.p.now());
    const job = store.jobs.get(jobId);
    if (job) {
      this.p.files.removePartials(job);
      this.leaveBehind(job);
    }
    record(jobId, `job:${state}`, actor, error ?? `job ${state}`);
    this.p.notify(jobId);
    // Agents exit on their own once told; cancelling makes sure no node stays held.
    setTimeout(
      () => void this.p.releaseAll(jobId).catch(() => {}),
      this.p.releaseDelayMs ?? 1_000,
    ).unref();
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

  /** Requeues failed tasks (or the tasks holding `frames`) with fresh attempts; the job runs again. */
  retry(jobId: string, frames?: number[], actor: Actor = 'user'): JobDetail {
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
    if (!wanted.length) throw new UsageError(`job ${jobId} has no failed tasks to retry`);
    const n = store.tasks.reopen(
      jobId,
      wanted.map((t) => t.id),
    );
    // Re-open every stage from the earliest one that got work back.
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
    store.jobs.update(jobId, { state: 'running', error: null, finishedAt: null });
    this.p.record(jobId, 'job:retried', actor, `${n} task(s) queued again`, {
      tasks: n,
      frames: frames ?? null,
    });
    this.p.notify(jobId);
    return this.p.detail(jobId);
  }
}
