import type { CoordinatorEvent, TaskView } from '../../api/types.js';
import type { EventBus } from '../events.js';
import type { JobsTable } from '../store/tables/jobs.js';
import type { TasksTable } from '../store/tables/tasks/tasks-table.js';
import type { TaskRow } from '../store/types.js';
import { jobDetail, taskView, type ViewStore } from '../views.js';
import { withRuns } from './tasks.js';

/** What one job's stream reads. */
export interface JobStreamStore extends ViewStore {
  jobs: Pick<JobsTable, 'get'>;
  tasks: Pick<
    TasksTable,
    'progress' | 'recentCompletions' | 'list' | 'get' | 'attempts' | 'repeatedAttempts'
  >;
}

/** History events after which many tasks changed at once: the stream sends the whole job again. */
const CHANGES_MANY = new Set(['job:retried', 'job:cancelled']);

/**
 * One job's live feed, in order: the whole job first (`job:snapshot`), then each change as it
 * happens. Every task it sends is read from the store when the change is announced, so a reader
 * that applies the messages in order holds what the store holds, never an older state. Leases
 * are not announced one by one: on each `job:updated` the stream compares the leased tasks with
 * those it sent and sends the difference (tasks taken, and tasks put back by a lapsed lease, a
 * lost agent or a drain).
 */
export class JobStream {
  /** Leased tasks as last sent: id → who holds it since when. */
  private readonly leased = new Map<number, string>();

  constructor(
    private readonly store: JobStreamStore,
    private readonly jobId: string,
    private readonly send: (e: CoordinatorEvent) => void,
  ) {}

  /** Sends the whole job: detail and every task. */
  snapshot(): void {
    const job = this.store.jobs.get(this.jobId);
    if (!job) return;
    // One read of every attempt of the tasks that ran more than once, grouped by task.
    const runs = new Map<unknown, Record<string, unknown>[]>();
    for (const r of this.store.tasks.repeatedAttempts(this.jobId) as Record<string, unknown>[])
      runs.set(r.task_id, [...(runs.get(r.task_id) ?? []), r]);
    const tasks = this.store.tasks
      .list(this.jobId)
      .tasks.map((row) => withRuns(taskView(row, this.store.live), runs.get(row.id) ?? []));
    this.leased.clear();
    for (const t of tasks) this.note(t);
    this.send({
      type: 'job:snapshot',
      jobId: this.jobId,
      detail: jobDetail(this.store, job),
      tasks,
    });
  }

  /** Passes on what the coordinator announced, if it is about this job. */
  on(e: CoordinatorEvent): void {
    if (e.type === 'cluster:updated' || e.type === 'job:snapshot' || e.jobId !== this.jobId) return;
    if (e.type === 'task:updated') {
      const row = this.store.tasks.get(e.task.id);
      const task = row ? this.view(row) : e.task;
      this.note(task);
      this.send({ ...e, task });
    } else if (e.type === 'job:updated') {
      this.send(e);
      this.sendLeaseChanges();
    } else if (CHANGES_MANY.has(e.event.type)) {
      this.snapshot();
    } else {
      this.send(e);
    }
  }

  /** A task as the stream sends it: with its runs when it ran more than once. */
  private view(row: TaskRow): TaskView {
    return withRuns(taskView(row, this.store.live), this.store.tasks.attempts(row.id));
  }

  private note(t: TaskView): void {
    if (t.state === 'leased') this.leased.set(t.id, holder(t));
    else this.leased.delete(t.id);
  }

  private sendLeaseChanges(): void {
    const now = this.store.tasks.list(this.jobId, { state: 'leased' }).tasks;
    const still = new Set(now.map((t) => t.id));
    for (const id of [...this.leased.keys()]) {
      if (still.has(id)) continue;
      this.leased.delete(id);
      const row = this.store.tasks.get(id);
      if (row) this.send({ type: 'task:updated', jobId: this.jobId, task: this.view(row) });
    }
    for (const row of now) {
      const t = this.view(row);
      if (this.leased.get(t.id) === holder(t)) continue;
      this.note(t);
      this.send({ type: 'task:updated', jobId: this.jobId, task: t });
    }
  }
}

/**
 * Follows one job: its stream listens to `bus` before the snapshot is read, so nothing falls
 * between the two. Returns the function that stops it.
 */
export function followJob(
  store: JobStreamStore,
  bus: Pick<EventBus, 'subscribe'>,
  jobId: string,
  send: (e: CoordinatorEvent) => void,
): () => void {
  const stream = new JobStream(store, jobId, send);
  const off = bus.subscribe((e) => stream.on(e));
  stream.snapshot();
  return off;
}

const holder = (t: TaskView) => `${t.agentId ?? ''}@${t.startedAt ?? 0}`;
