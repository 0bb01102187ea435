import type { Progress } from '../../api/types.js';
import type { RecordFn } from '../history.js';
import type { FileProbe } from '../../util/file-probe.js';
import { jobTypeOf } from '../jobs/registry.js';
import { taskName } from '../view/task-name.js';
import type { JobRow, NewTask, StageRow, TaskRow } from '../store/types.js';

/** What moving a job through its stages reads and writes. */
export interface StageFlowPorts {
  store: {
    jobs: { get(id: string): JobRow | undefined };
    stages: {
      list(jobId: string): StageRow[];
      setState(jobId: string, name: string, state: StageRow['state']): void;
    };
    tasks: {
      progress(jobId: string, stage: string): { tasks: Progress };
      list(jobId: string, f: { stage?: string; state?: string }): { tasks: TaskRow[] };
      insert(jobId: string, tasks: NewTask[]): void;
    };
  };
  /** What earlier stages wrote, for job types whose tasks depend on it. */
  files: FileProbe;
  /** Runs `fn` in one store transaction. */
  transaction: <T>(fn: () => T) => T;
  record: RecordFn;
  /** Wakes the job's waiting agents (a stage became ready). */
  notify: (jobId: string) => void;
  finish: (jobId: string, state: 'succeeded' | 'failed', error?: string | null) => void;
  maxAttempts: number;
}

/**
 * Stages run in order: when the last open task of a stage settles, the stage is done (or failed,
 * which fails the job), the next one becomes ready, and after the last one the job succeeds.
 */
export class StageFlow {
  /** Tasks still queued or leased per `job/stage`, so a completion needs no COUNT(*). */
  private readonly open = new Map<string, number>();

  constructor(private readonly p: StageFlowPorts) {}

  private openCount(jobId: string, stage: string): number {
    const key = `${jobId}/${stage}`;
    let n = this.open.get(key);
    if (n === undefined) {
      const t = this.p.store.tasks.progress(jobId, stage).tasks;
      n = t.queued + t.leased;
      this.open.set(key, n);
    }
    return n;
  }

  /** Forgets the counts (tasks were queued again outside the flow). */
  reset(): void {
    this.open.clear();
  }

  /** A stage's queued tasks were replaced by `delta` more or fewer (chunks sized again). */
  resized(jobId: string, stage: string, delta: number): void {
    const key = `${jobId}/${stage}`;
    const n = this.open.get(key);
    if (n !== undefined) this.open.set(key, n + delta);
  }

  /** A task left the queued/leased set for good: maybe the stage, and then the job, is over. */
  settled(task: TaskRow): void {
    const key = `${task.jobId}/${task.stage}`;
    const n = this.openCount(task.jobId, task.stage) - 1;
    this.open.set(key, n);
    if (n > 0) return;
    this.open.delete(key);
    this.advance(task.jobId);
  }

  /** What ended a stage badly: tasks that failed every attempt, else tasks the user cancelled. */
  private whyFailed(jobId: string, stage: string): string {
    const list = (state: string) => this.p.store.tasks.list(jobId, { stage, state }).tasks;
    const failed = list('failed');
    if (failed.length) {
      const frames = failed.flatMap((x) => x.frames);
      const what = frames.length
        ? `frame(s) ${frames.join(',')}`
        : failed.length <= 5
          ? failed.map(taskName).join(', ')
          : `${failed.length} task(s)`;
      const n = failed[0]?.attempts ?? this.p.maxAttempts;
      return `${what} failed after ${n} attempt${n === 1 ? '' : 's'}: ${failed[0]?.error ?? ''}`;
    }
    const cancelled = list('cancelled').map(taskName);
    const shown = cancelled.slice(0, 5).join(', ') + (cancelled.length > 5 ? ', …' : '');
    return `stage ${stage} cannot finish: ${shown} cancelled; \`cluster-tool retry ${jobId}\` runs ${cancelled.length > 1 ? 'them' : 'it'} again`;
  }

  /** Makes the tasks a job type creates when a stage becomes ready; false when that failed the job. */
  private makeTasks(job: JobRow, stage: StageRow): boolean {
    const type = jobTypeOf(job.kind);
    if (!type.onStageReady) return true;
    let tasks: NewTask[];
    try {
      tasks = type.onStageReady(job, stage, this.p.files);
    } catch (err) {
      this.p.finish(
        job.id,
        'failed',
        `stage ${stage.name} could not start: ${(err as Error).message}`,
      );
      return false;
    }
    // The tasks and the stage's start are one write: a crash between them would plan the
    // stage twice after a restart.
    this.p.transaction(() => {
      this.p.store.tasks.insert(job.id, tasks);
      this.p.store.stages.setState(job.id, stage.name, 'ready');
    });
    this.open.delete(`${job.id}/${stage.name}`);
    if (tasks.length)
      this.p.record(
        job.id,
        'stage:planned',
        'coordinator',
        `stage ${stage.name}: ${tasks.length} task(s)`,
        {
          tasks: tasks.length,
        },
      );
    return true;
  }

  /** Moves a job past every finished stage; ends it when none is left. */
  advance(jobId: string): void {
    const { store, record } = this.p;
    const job = store.jobs.get(jobId);
    if (!job || job.state !== 'running') return;
    for (const stage of store.stages.list(jobId)) {
      if (stage.state === 'done') continue;
      if (stage.state === 'waiting') {
        if (!this.makeTasks(job, stage)) return;
        store.stages.setState(jobId, stage.name, 'ready');
        record(jobId, 'stage:started', 'coordinator', `stage ${stage.name} started`);
        this.p.notify(jobId);
      }
      const t = store.tasks.progress(jobId, stage.name).tasks;
      if (t.queued + t.leased > 0) return;
      if (t.failed > 0) {
        store.stages.setState(jobId, stage.name, 'failed');
        this.p.finish(jobId, 'failed', this.whyFailed(jobId, stage.name));
        return;
      }
      store.stages.setState(jobId, stage.name, 'done');
      record(jobId, 'stage:done', 'coordinator', `stage ${stage.name} done`);
    }
    this.p.finish(jobId, 'succeeded');
  }
}
