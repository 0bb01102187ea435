import type { LiveProgress } from '../store/live-progress.js';
import type { AttemptSpan, AttemptView, TaskDetail, TaskState, TaskView } from '../../api/types.js';
import type { TasksTable } from '../store/tables/tasks/tasks-table.js';
import type { JobRow } from '../store/types.js';
import { taskView } from '../views.js';
import { findTask, type TaskQuery } from './find-task.js';

type Row = Record<string, unknown>;

/** Which of a job's tasks a list asks for (see `tasksQuery` in api/user-requests.ts). */
export interface TaskPageQuery {
  stage?: string;
  state?: TaskState;
  offset?: number;
  limit?: number;
}

/** A page of a job's tasks: the first 1,000 unless the query says otherwise. */
export function taskPage(
  tasks: Pick<TasksTable, 'list'>,
  jobId: string,
  q: TaskPageQuery,
  live?: Pick<LiveProgress, 'of'>,
): { total: number; tasks: TaskView[] } {
  const r = tasks.list(jobId, {
    stage: q.stage,
    state: q.state,
    offset: q.offset ?? 0,
    limit: q.limit ?? 1000,
  });
  return { total: r.total, tasks: r.tasks.map((t) => taskView(t, live)) };
}

/** An attempts row as the API shows it; a column the row lacks reads as empty. */
function attemptView(r: Row): AttemptView {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    attempt: num(r.attempt) ?? 0,
    agentId: str(r.agent_id),
    node: str(r.node),
    gpu: str(r.gpu),
    startedAt: num(r.started_at) ?? 0,
    endedAt: num(r.ended_at),
    outcome: typeof r.outcome === 'string' ? r.outcome : null,
    error: typeof r.error === 'string' ? r.error : null,
  };
}

/** An attempt as the timeline draws it: where, when, how it ended. */
export function attemptSpan(r: Row): AttemptSpan {
  const a = attemptView(r);
  return {
    attempt: a.attempt,
    agentId: a.agentId,
    node: a.node,
    gpu: a.gpu,
    startedAt: a.startedAt,
    endedAt: a.endedAt,
    outcome: a.outcome,
  };
}

/**
 * A task with its runs when it ran more than once (`TaskView.runs`); `rows` are its attempts
 * rows (or more: only its own are taken).
 */
export function withRuns(task: TaskView, rows: readonly Row[]): TaskView {
  const own = rows.filter((r) => r.task_id === task.id);
  return own.length > 1 ? { ...task, runs: own.map(attemptSpan) } : task;
}

/** A task's attempts, oldest first. */
export function attemptsOf(tasks: Pick<TasksTable, 'attempts'>, taskId: number): AttemptView[] {
  return (tasks.attempts(taskId) as Row[]).map(attemptView);
}

/** The one task of `job` a query names, with its attempts. */
export function taskDetail(
  tasks: Pick<TasksTable, 'list' | 'attempts'>,
  job: JobRow,
  q: TaskQuery,
): TaskDetail {
  const task = findTask(tasks, job.id, q);
  return { ...taskView(task), jobId: task.jobId, attemptsList: attemptsOf(tasks, task.id) };
}
