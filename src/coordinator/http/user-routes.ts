import type { z } from 'zod';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { UsageError } from '../../errors.js';
import { parseFrames } from '../../renderers/blender/frames.js';
import type {
  ClusterView,
  CoordinatorHealth,
  ScaleRequest,
  SubmitRequest,
} from '../../api/types.js';
import type { Coordinator } from '../core.js';
import { jobDetail, jobSummary, taskView } from '../views.js';
import { logsQuery, retryBody, scaleBody, tasksQuery } from '../../api/user-requests.js';
import { parseWire } from '../../api/parse.js';
import { servedRoot } from '../../api/served-names.js';
import { contentType, resolveInside } from './files.js';
import { HttpError } from './http-error.js';

/** A request part as its schema says, or a 400 naming the field. */
function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = parseWire(schema, value, what);
  if (!r.ok) throw new HttpError(400, r.error);
  return r.value;
}

/** Routes for the CLI and the viewer (user token). */
export function registerUserRoutes(app: FastifyInstance, c: Coordinator): void {
  app.get(
    '/api/coordinator',
    { config: { access: 'user' } },
    async (): Promise<CoordinatorHealth> => ({ writeOutage: c.outage.current }),
  );

  app.get('/api/jobs', { config: { access: 'user' } }, async () =>
    c.store.jobs.list().map((j) => jobSummary(c.store, j)),
  );

  app.post<{ Body: SubmitRequest; Querystring: { dryRun?: string } }>(
    '/api/jobs',
    { config: { access: 'user' } },
    async (req, reply) => {
      if (req.query.dryRun === '1') return c.preview(req.body);
      const job = await c.submit(req.body, 'user');
      return reply.code(201).send(jobDetail(c.store, job));
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
    const q = checked(tasksQuery, req.query, 'tasks');
    const r = c.store.tasks.list(req.params.id, {
      stage: q.stage,
      state: q.state,
      offset: q.offset ?? 0,
      limit: q.limit ?? 1000,
    });
    return { total: r.total, tasks: r.tasks.map(taskView) };
  });

  app.post<{ Params: { id: string } }>(
    '/api/jobs/:id/cancel',
    { config: { access: 'user' } },
    async (req) => c.cancel(req.params.id, 'user'),
  );

  app.post<{ Params: { id: string }; Body: { frames?: string } | undefined }>(
    '/api/jobs/:id/retry',
    { config: { access: 'user' } },
    async (req) => {
      const body = checked(retryBody, req.body, 'retry');
      const frames = body?.frames ? parseFrames(body.frames) : undefined;
      return c.retry(req.params.id, frames, 'user');
    },
  );

  app.post<{ Params: { id: string }; Body: ScaleRequest }>(
    '/api/jobs/:id/scale',
    { config: { access: 'user' } },
    async (req) => {
      await c.scaler.scale(req.params.id, checked(scaleBody, req.body, 'scale') ?? {}, 'user');
      return c.detail(req.params.id);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { agent?: string; tail?: string } }>(
    '/api/jobs/:id/logs',
    { config: { access: 'user' } },
    async (req) => {
      const job = c.requireJob(req.params.id);
      const logs = path.join(job.dir, 'logs');
      const q = checked(logsQuery, req.query, 'logs');
      const tail = q.tail || 200;
      const files = existsSync(logs) ? readdirSync(logs).sort() : [];
      let chosen: string[];
      if (q.agent) {
        const agent = c.store.agents.get(q.agent);
        if (!agent || agent.jobId !== job.id)
          throw new UsageError(`no agent ${q.agent} in job ${job.id}`);
        chosen = files.filter((f) => f === `agent-${agent.node}-${agent.gpu}.log`);
      } else chosen = files.filter((f) => f.startsWith('slurm-'));
      const lines = chosen.flatMap((f) =>
        readFileSync(path.join(logs, f), 'utf8').split('\n').filter(Boolean),
      );
      return { agent: q.agent, files: chosen, lines: lines.slice(-tail) };
    },
  );

  app.get<{ Params: { id: string; '*': string } }>(
    '/api/jobs/:id/files/*',
    { config: { access: 'user' } },
    async (req, reply) => {
      const job = c.requireJob(req.params.id);
      const { root, rel } = servedRoot(job, req.params['*']);
      const file = resolveInside([root], rel);
      if (!file)
        return reply.code(404).send({ error: `no file ${req.params['*']} in job ${job.id}` });
      return reply.type(contentType(file)).send(createReadStream(file));
    },
  );

  app.get('/api/cluster', { config: { access: 'user' } }, async (): Promise<ClusterView> => {
    const nodes = await c.slurm.partitionNodes();
    const allocations = c.store.allocations.list().filter((a) => a.state !== 'ended');
    return {
      nodes: nodes.map((n) => {
        const held = allocations.filter((a) => a.nodes.includes(n.name));
        return {
          name: n.name,
          state: n.state,
          flags: n.flags,
          gpus: n.gpus,
          gpusUsed: n.gpusUsed,
          jobId: held[0]?.jobId ?? null,
          slurmJobIds: held.map((a) => a.slurmJobId),
        };
      }),
    };
  });

  app.get('/api/events', { config: { access: 'user' } }, (req, reply) => {
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    reply.raw.write(': connected\n\n');
    const off = c.bus.stream((chunk) => reply.raw.write(chunk));
    const ping = setInterval(() => reply.raw.write(': ping\n\n'), 15_000);
    req.raw.once('close', () => {
      off();
      clearInterval(ping);
    });
  });
}
