import { sendEventStream } from './event-stream.js';
import type { FastifyInstance } from 'fastify';
import type { CoordinatorEvent, TaskDetail, TaskLog, TaskView } from '../../api/types.js';
import { UsageError } from '../../errors.js';
import type { JobRow, TaskRow } from '../store/types.js';
import type { TaskQuery } from '../view/find-task.js';
import { taskView } from '../views.js';

/** What the task routes ask of the coordinator. */
export interface TaskRoutesPort {
  /** The job, or a NotFoundError. */
  requireJob(jobId: string): JobRow;
  /** The one task of a job a query names (see view/find-task.ts). */
  task(jobId: string, q: TaskQuery): TaskRow;
  taskDetail(jobId: string, q: TaskQuery): TaskDetail;
  /** Every attempt's lines, or attempt `attempt`'s only (a NotFoundError if it has none such). */
  taskLog(jobId: string, q: TaskQuery, tail: number, attempt?: number): TaskLog;
  requeueTask(jobId: string, taskId: number, name: string, actor: 'user'): TaskRow;
  cancelTask(jobId: string, taskId: number, name: string, actor: 'user'): TaskRow;
  /** Tells every live stream. */
  announce(e: CoordinatorEvent): void;
  /** One job's feed (see view/job-stream.ts); returns the function that stops it. */
  followJob(jobId: string, send: (e: CoordinatorEvent) => void): () => void;
}

/** A task id as a request body gives it (a number, or digits); '' when it gives none. */
const bodyId = (v: unknown): string =>
  typeof v === 'number' || typeof v === 'string' ? String(v) : '';

/**
 * Routes about single tasks, and one job's own event stream (see api/types.ts): look a task up
 * by id, frame or name, read its log, requeue it (done ones too) or cancel it.
 */
export function registerTaskRoutes(app: FastifyInstance, c: TaskRoutesPort): void {
  const announce = (task: TaskRow) =>
    c.announce({ type: 'task:updated', jobId: task.jobId, task: taskView(task) });

  app.get<{ Params: { id: string }; Querystring: TaskQuery }>(
    '/api/jobs/:id/task',
    { config: { access: 'user' } },
    async (req): Promise<TaskDetail> => c.taskDetail(req.params.id, req.query),
  );

  app.get<{
    Params: { id: string };
    Querystring: TaskQuery & { tail?: string; attempt?: string };
  }>('/api/jobs/:id/task/log', { config: { access: 'user' } }, async (req): Promise<TaskLog> => {
    const tail = Math.min(Number(req.query.tail ?? 400) || 400, 5000);
    const { attempt, ...q } = req.query;
    if (attempt !== undefined && !/^[1-9]\d{0,8}$/.test(attempt))
      throw new UsageError(`attempt ${JSON.stringify(attempt)} is not an attempt number (1, 2, …)`);
    return c.taskLog(req.params.id, q, tail, attempt === undefined ? undefined : Number(attempt));
  });

  app.post<{ Params: { id: string }; Body: { id?: unknown } | undefined }>(
    '/api/jobs/:id/task/requeue',
    { config: { access: 'user', changes: 'requeue a task of' } },
    async (req): Promise<TaskView> => {
      const task = c.task(req.params.id, { id: bodyId(req.body?.id) });
      const row = c.requeueTask(task.jobId, task.id, taskView(task).name, 'user');
      announce(row);
      return taskView(row);
    },
  );

  app.post<{ Params: { id: string }; Body: { id?: unknown } | undefined }>(
    '/api/jobs/:id/task/cancel',
    { config: { access: 'user', changes: 'cancel a task of' } },
    async (req): Promise<TaskView> => {
      const task = c.task(req.params.id, { id: bodyId(req.body?.id) });
      const row = c.cancelTask(task.jobId, task.id, taskView(task).name, 'user');
      announce(row);
      return taskView(row);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/jobs/:id/stream',
    { config: { access: 'user' } },
    (req, reply) => {
      c.requireJob(req.params.id);
      sendEventStream(req, reply, (write) =>
        c.followJob(req.params.id, (e) => write(`data: ${JSON.stringify(e)}\n\n`)),
      );
    },
  );
}
