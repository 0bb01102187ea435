import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CliError } from '../../errors.js';
import type { Coordinator } from '../core.js';
import { taskView } from '../views.js';
import { bearer } from './server.js';

interface AgentBody {
  agentId: string;
  waitMs?: number;
  result?: Record<string, unknown>;
  error?: string;
  tail?: string[];
}

/** Routes the agents call: register, heartbeat, lease (long-poll), renew, complete, fail. */
export function registerAgentRoutes(app: FastifyInstance, c: Coordinator, userToken: string, same: (a: string, b: string) => boolean): void {
  const allowed = (req: FastifyRequest, jobId: string) => {
    const token = bearer(req) ?? '';
    if (same(token, userToken)) return;
    const job = c.store.getJob(jobId);
    if (!job || !same(token, job.agentToken)) throw Object.assign(new Error('bad agent token for this job'), { statusCode: 401 });
  };
  const agentOf = (req: FastifyRequest<{ Body: AgentBody }>) => {
    const id = req.body?.agentId;
    if (typeof id !== 'string') throw Object.assign(new Error('agentId is required'), { statusCode: 400 });
    const agent = c.store.getAgent(id);
    if (!agent) throw new CliError(`unknown agent ${id}`, 4);
    allowed(req, agent.jobId);
    return agent;
  };

  app.post<{ Body: { jobId: string; node: string; gpu: string; slurmJobId: number; pid?: number } }>('/api/agent/register', async (req) => {
    const b = req.body;
    if (!b || typeof b.jobId !== 'string' || typeof b.node !== 'string') throw Object.assign(new Error('jobId and node are required'), { statusCode: 400 });
    allowed(req, b.jobId);
    const r = c.register(b.jobId, { node: b.node, gpu: String(b.gpu ?? ''), slurmJobId: Number(b.slurmJobId) || 0, pid: b.pid });
    return 'exit' in r ? r : { agentId: r.id, leaseMs: c.cfg.leaseMs };
  });

  app.post<{ Body: AgentBody }>('/api/agent/heartbeat', async (req) => {
    const agent = agentOf(req);
    return c.heartbeat(agent.id);
  });

  app.post<{ Body: AgentBody }>('/api/agent/lease', async (req, reply) => {
    const agent = agentOf(req);
    const abort = new AbortController();
    req.raw.once('close', () => abort.abort());
    const r = await c.lease(agent.id, Number(req.body.waitMs ?? 0), abort.signal);
    if ('idle' in r) return reply.code(204).send();
    if ('exit' in r) return r;
    return { task: { id: r.task.id, kind: r.task.kind, stage: r.task.stage, frames: r.task.frames, payload: r.task.payload, jobDir: c.store.getJob(r.task.jobId)?.dir } };
  });

  app.post<{ Params: { id: string }; Body: AgentBody }>('/api/agent/tasks/:id/renew', async (req, reply) => {
    const agent = agentOf(req);
    const ok = c.renew(agent.id, Number(req.params.id));
    return ok ? { ok } : reply.code(409).send({ error: 'the lease is gone: stop this task' });
  });

  app.post<{ Params: { id: string }; Body: AgentBody }>('/api/agent/tasks/:id/complete', async (req, reply) => {
    const agent = agentOf(req);
    const ok = c.complete(agent.id, Number(req.params.id), req.body.result ?? {});
    if (!ok) return reply.code(409).send({ error: 'the task was already done by another agent; result discarded' });
    const t = c.store.getTask(Number(req.params.id));
    return { ok, task: t ? taskView(t) : null };
  });

  app.post<{ Params: { id: string }; Body: AgentBody }>('/api/agent/tasks/:id/fail', async (req) => {
    const agent = agentOf(req);
    c.fail(agent.id, Number(req.params.id), String(req.body.error ?? 'failed'), Array.isArray(req.body.tail) ? req.body.tail.map(String) : []);
    return { ok: true };
  });
}
