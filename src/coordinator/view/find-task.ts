import { UsageError } from '../../errors.js';
import { NotFoundError } from '../errors.js';
import type { TasksTable } from '../store/tables/tasks/tasks-table.js';
import type { TaskRow } from '../store/types.js';
import { taskName } from './task-name.js';

/** How a request names a task: its id, a frame it renders, or its name (`frame 12`, a command's id). */
export interface TaskQuery {
  id?: string;
  frame?: string;
  name?: string;
}

/** The one task of a job that a query names; a UsageError or NotFoundError says what to give instead. */
export function findTask(tasks: Pick<TasksTable, 'list'>, jobId: string, q: TaskQuery): TaskRow {
  const given = (['id', 'frame', 'name'] as const).filter((k) => q[k] !== undefined && q[k] !== '');
  if (given.length !== 1)
    throw new UsageError('name one task: give exactly one of id, frame or name');
  const all = tasks.list(jobId).tasks;
  const hint = `\`cluster-tool status ${jobId}\` lists the job's tasks`;
  if (q.id !== undefined && q.id !== '') {
    const id = Number(q.id);
    const t = Number.isInteger(id) ? all.find((x) => x.id === id) : undefined;
    if (!t) throw new NotFoundError(`job ${jobId} has no task ${q.id}; ${hint}`);
    return t;
  }
  if (q.frame !== undefined && q.frame !== '') {
    const frame = Number(q.frame);
    if (!Number.isInteger(frame)) throw new UsageError(`frame ${q.frame} is not a whole number`);
    const t = all.find((x) => x.frames.includes(frame));
    if (!t) throw new NotFoundError(`job ${jobId} renders no frame ${frame}; ${hint}`);
    return t;
  }
  const name = q.name ?? '';
  const t = all.find((x) => taskName(x) === name) ?? all.find((x) => String(x.id) === name);
  if (!t)
    throw new NotFoundError(`job ${jobId} has no task named ${JSON.stringify(name)}; ${hint}`);
  return t;
}
