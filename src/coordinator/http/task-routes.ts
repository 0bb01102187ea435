import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AttemptView, TaskDetail, TaskLog, TaskView } from '../../api/types.js';
import type { Coordinator } from '../core.js';
import type { JobRow, TaskRow } from '../store/types.js';
import { findTask, type TaskQuery } from '../view/find-task.js';
import { JobStream } from '../view/job-stream.js';
import { mergeByTime, taskOutputs, taskSections } from '../view/task-log.js';
import { taskView } from '../views.js';

type Row = Record<string, unknown>;

/** A task id as a request body gives it (a number, or digits); '' when it gives none. */
const bodyId = (v: unknown): string =>
  typeof v === 'number' || typeof v === 'string' ? String(v) : '';

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

/** A task's lines from the logs of the agents that ran it, attempt by attempt. */
function taskLog(job: JobRow, task: TaskRow, attempts: AttemptView[], tail: number): TaskLog {
  const files = new Map<string, AttemptView[]>();
  for (const a of attempts) {
    const file = `agent-${a.node}-${a.gpu}.log`;
    files.set(file, [...(files.get(file) ?? []), a]);
  }
  const byAttempt = new Map<AttemptView, string[]>();
  for (const [file, tries] of files) {
    // Names come from the store, not the request; basename keeps them inside logs/ regardless.
    const full = path.join(job.dir, 'logs', path.basename(file));
    const lines = existsSync(full) ? readFileSync(full, 'utf8').split('\n') : [];
    taskSections(lines, task.id).forEach((section, i) => {
      const a = tries[Math.min(i, tries.length - 1)];
      if (a) byAttempt.set(a, [...(byAttempt.get(a) ?? []), ...section]);
    });
  }
  // The task's own output (command tasks write it), each file beside the attempt it came from,
  // merged with the agent's lines by their time stamps.
  for (const { attempt, lines } of taskOutputs(job.dir, task.id, attempts))
    byAttempt.set(attempt, mergeByTime(byAttempt.get(attempt) ?? [], lines));
  const out: TaskLog['attempts'] = [...byAttempt]
    .map(([a, lines]) => ({
      attempt: a.attempt,
      agentId: a.agentId,
      node: a.node,
      gpu: a.gpu,
      lines,
    }))
    .sort((x, y) => x.attempt - y.attempt);
  return { task: taskView(task), attempts: out, lines: out.flatMap((a) => a.lines).slice(-tail) };
}

/**
 * Routes about single tasks, and one job's own event stream (see api/types.ts): look a task up
 * by id, frame or name, read its log, requeue it (done ones too) or cancel it.
 */
export function registerTaskRoutes(app: FastifyInstance, c: Coordinator): void {
  const lookup = (jobId: string, q: TaskQuery) => {
    const job = c.requireJob(jobId);
    return { job, task: findTask(c.store.tasks, jobId, q) };
  };
  const announce = (task: TaskRow) =>
    c.bus.emit({ type: 'task:updated', jobId: task.jobId, task: taskView(task) });

  app.get<{ Params: { id: string }; Querystring: TaskQuery }>(
    '/api/jobs/:id/task',
    { config: { access: 'user' } },
    async (req): Promise<TaskDetail> => {
      const { task } = lookup(req.params.id, req.query);
      const attemptsList = (c.store.tasks.attempts(task.id) as Row[]).map(attemptView);
      return { ...taskView(task), jobId: task.jobId, attemptsList };
    },
  );

  app.get<{ Params: { id: string }; Querystring: TaskQuery & { tail?: string } }>(
    '/api/jobs/:id/task/log',
    { config: { access: 'user' } },
    async (req): Promise<TaskLog> => {
      const { job, task } = lookup(req.params.id, req.query);
      const tail = Math.min(Number(req.query.tail ?? 400) || 400, 5000);
      const attempts = (c.store.tasks.attempts(task.id) as Row[]).map(attemptView);
      return taskLog(job, task, attempts, tail);
    },
  );

  app.post<{ Params: { id: string }; Body: { id?: unknown } | undefined }>(
    '/api/jobs/:id/task/requeue',
    { config: { access: 'user' } },
    async (req): Promise<TaskView> => {
      const { task } = lookup(req.params.id, { id: bodyId(req.body?.id) });
      const row = c.control.requeueTask(task.jobId, task.id, taskView(task).name, 'user');
      announce(row);
      return taskView(row);
    },
  );

  app.post<{ Params: { id: string }; Body: { id?: unknown } | undefined }>(
    '/api/jobs/:id/task/cancel',
    { config: { access: 'user' } },
    async (req): Promise<TaskView> => {
      const { task } = lookup(req.params.id, { id: bodyId(req.body?.id) });
      const row = c.control.cancelTask(task.jobId, task.id, taskView(task).name, 'user');
      announce(row);
      return taskView(row);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/jobs/:id/stream',
    { config: { access: 'user' } },
    (req, reply) => {
      c.requireJob(req.params.id);
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      const stream = new JobStream(c.store, req.params.id, (e) =>
        reply.raw.write(`data: ${JSON.stringify(e)}\n\n`),
      );
      // Subscribed before the snapshot is read: nothing falls between the two.
      const off = c.bus.subscribe((e) => stream.on(e));
      stream.snapshot();
      const ping = setInterval(() => reply.raw.write(': ping\n\n'), 15_000);
      req.raw.once('close', () => {
        off();
        clearInterval(ping);
      });
    },
  );
}
