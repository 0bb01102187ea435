import { sendEventStream } from './event-stream.js';
import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { parseFrames } from '../../renderers/blender/frames.js';
import type {
  ClusterView,
  CoordinatorHealth,
  JobDetail,
  JobSummary,
  RetryReply,
  ScaleRequest,
  SubmitRequest,
  TaskView,
} from '../../api/types.js';
import type { FarmView } from '../../api/farm.js';
import type { JobRow } from '../store/types.js';
import type { JobLogs } from '../view/job-logs.js';
import type { TaskPageQuery } from '../view/tasks.js';
import {
  logsQuery,
  priorityBody,
  retryBody,
  scaleBody,
  tasksQuery,
} from '../../api/user-requests.js';
import { servedRoot } from '../../api/served-names.js';
import { contentType, fileCacheControl, resolveInside } from './files.js';
import { checked, HttpError } from './http-error.js';
import { asUser, shownJobs, submitOwner } from './job-access.js';

/** An owner a submission names: a user name or an AWS ARN, printable and short. */
function ownerQuery(v: unknown): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !/^[\w.@:/+=,-]{1,200}$/.test(v))
    throw new HttpError(400, 'owner: give a user name or an AWS identity ARN');
  return v;
}

/** What the CLI's and the viewer's routes ask of the coordinator. */
export interface UserRoutesPort {
  health(): CoordinatorHealth;
  /** The Prometheus text of `GET /metrics`. */
  metricsText(): string;
  jobs(): JobSummary[];
  /** What a submission would do (`--dry-run`), passed on as it comes. */
  preview(req: SubmitRequest): Promise<unknown>;
  /** `owner`: who the job is recorded for (http/job-access.ts `submitOwner`). */
  submit(req: SubmitRequest, actor: 'user', owner: string): Promise<JobRow>;
  /** The job, or a NotFoundError. */
  requireJob(jobId: string): JobRow;
  detail(jobId: string): JobDetail;
  detailOf(job: JobRow): JobDetail;
  /** A page of a job's tasks (the route has checked the job exists). */
  tasks(jobId: string, q: TaskPageQuery): { total: number; tasks: TaskView[] };
  cancel(jobId: string, actor: 'user'): JobDetail;
  retry(jobId: string, frames: number[] | undefined, actor: 'user'): RetryReply;
  scale(jobId: string, req: ScaleRequest, actor: 'user'): Promise<void>;
  setPriority(jobId: string, priority: number, actor: 'user'): Promise<void>;
  suspend(jobId: string, actor: 'user'): JobDetail;
  resume(jobId: string, actor: 'user'): Promise<JobDetail>;
  clearBlocked(jobId: string, actor: 'user'): Promise<JobDetail>;
  farmView(): Promise<FarmView>;
  logs(job: JobRow, q: { agent?: string; tail?: number }): JobLogs;
  clusterView(): Promise<ClusterView>;
  /** Writes every event as server-sent-event text; returns the function that stops it. */
  streamEvents(write: (chunk: string) => void): () => void;
}

/** Routes for the CLI and the viewer (user token). */
export function registerUserRoutes(app: FastifyInstance, c: UserRoutesPort): void {
  app.get(
    '/api/coordinator',
    { config: { access: 'user' } },
    async (): Promise<CoordinatorHealth> => c.health(),
  );

  // `?show=mine|all` (job-access.ts `shownJobs` picks when it is left out).
  app.get<{ Querystring: { show?: string } }>(
    '/api/jobs',
    { config: { access: 'user' } },
    async (req) => {
      const show = req.query.show;
      if (show !== undefined && show !== 'mine' && show !== 'all')
        throw new HttpError(400, `show must be mine or all (got ${JSON.stringify(show)})`);
      return shownJobs(asUser(req.principal), c.jobs(), show);
    },
  );

  // Prometheus scrapes with the user token as its bearer token (`authorization` in its config).
  app.get('/metrics', { config: { access: 'user' } }, async (_req, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(c.metricsText()),
  );

  // `?owner=`: the operator submits for someone else (the CLI's `--cluster` path names the caller's
  // AWS identity); anyone else may name only themselves.
  app.post<{ Body: SubmitRequest; Querystring: { dryRun?: string; owner?: string } }>(
    '/api/jobs',
    { config: { access: 'user' } },
    async (req, reply) => {
      if (req.query.dryRun === '1') return c.preview(req.body);
      const who = submitOwner(asUser(req.principal), ownerQuery(req.query.owner));
      if ('refused' in who) throw new HttpError(403, who.refused);
      const job = await c.submit(req.body, 'user', who.owner);
      return reply.code(201).send(c.detailOf(job));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/jobs/:id',
    { config: { access: 'user' } },
    async (req) => c.detail(req.params.id),
  );

  app.get<{
    Params: { id: string };
    Querystring: { stage?: string; state?: string; offset?: string; limit?: string };
  }>('/api/jobs/:id/tasks', { config: { access: 'user' } }, async (req) => {
    c.requireJob(req.params.id);
    return c.tasks(req.params.id, checked(tasksQuery, req.query, 'tasks'));
  });

  app.post<{ Params: { id: string } }>(
    '/api/jobs/:id/cancel',
    { config: { access: 'user', changes: 'cancel' } },
    async (req) => c.cancel(req.params.id, 'user'),
  );

  app.post<{ Params: { id: string }; Body: { frames?: string } | undefined }>(
    '/api/jobs/:id/retry',
    { config: { access: 'user', changes: 'retry' } },
    async (req) => {
      const body = checked(retryBody, req.body, 'retry');
      const frames = body?.frames ? parseFrames(body.frames) : undefined;
      return c.retry(req.params.id, frames, 'user');
    },
  );

  app.post<{ Params: { id: string }; Body: ScaleRequest }>(
    '/api/jobs/:id/scale',
    { config: { access: 'user', changes: 'scale' } },
    async (req) => {
      await c.scale(req.params.id, checked(scaleBody, req.body, 'scale') ?? {}, 'user');
      return c.detail(req.params.id);
    },
  );

  app.post<{ Params: { id: string }; Body: { priority: number } }>(
    '/api/jobs/:id/priority',
    { config: { access: 'user', changes: 're-prioritise' } },
    async (req) => {
      const { priority } = checked(priorityBody, req.body, 'priority');
      await c.setPriority(req.params.id, priority, 'user');
      return c.detail(req.params.id);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/jobs/:id/suspend',
    { config: { access: 'user', changes: 'suspend' } },
    async (req) => c.suspend(req.params.id, 'user'),
  );

  app.post<{ Params: { id: string } }>(
    '/api/jobs/:id/resume',
    { config: { access: 'user', changes: 'resume' } },
    async (req) => c.resume(req.params.id, 'user'),
  );

  app.post<{ Params: { id: string } }>(
    '/api/jobs/:id/blocked/clear',
    { config: { access: 'user', changes: 'clear the blocklist of' } },
    async (req) => c.clearBlocked(req.params.id, 'user'),
  );

  app.get<{ Params: { id: string }; Querystring: { agent?: string; tail?: string } }>(
    '/api/jobs/:id/logs',
    { config: { access: 'user' } },
    async (req) => {
      const job = c.requireJob(req.params.id);
      return c.logs(job, checked(logsQuery, req.query, 'logs'));
    },
  );

  app.get<{ Params: { id: string; '*': string }; Querystring: { v?: unknown } }>(
    '/api/jobs/:id/files/*',
    { config: { access: 'user' } },
    async (req, reply) => {
      const job = c.requireJob(req.params.id);
      const { root, rel } = servedRoot(job, req.params['*']);
      const file = resolveInside([root], rel);
      if (!file)
        return reply.code(404).send({ error: `no file ${req.params['*']} in job ${job.id}` });
      return reply
        .type(contentType(file))
        .header('cache-control', fileCacheControl(job.dir, file, req.query.v))
        .header('x-content-type-options', 'nosniff')
        .send(createReadStream(file));
    },
  );

  app.get('/api/cluster', { config: { access: 'user' } }, async (): Promise<ClusterView> =>
    c.clusterView(),
  );

  app.get('/api/farm', { config: { access: 'user' } }, async (): Promise<FarmView> => c.farmView());

  app.get('/api/events', { config: { access: 'user' } }, (req, reply) =>
    sendEventStream(req, reply, (write) => c.streamEvents(write), ': connected\n\n'),
  );
}
