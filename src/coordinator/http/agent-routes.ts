import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CliError } from '../../errors.js';
import type { Coordinator, LeaseReply } from '../core.js';
import type { JobRow } from '../store/types.js';
import { taskView } from '../views.js';

interface AgentBody {
  agentId: string;
  waitMs?: number;
  result?: Record<string, unknown>;
  error?: string;
  tail?: string[];
  /** On complete: also lease the next task (without waiting) and send it in the same reply. */
  lease?: boolean;
}

/**
 * Routes the agents call: register, heartbeat, lease (long-poll), renew, complete, fail.
 * POST /api/agent/tasks/:id/complete {agentId, result, lease?: true} -> {ok, task, lease?: {task} | {exit}}
 */
export function registerAgentRoutes(app: FastifyInstance, c: Coordinator): void {
  const agentOnly = { config: { access: 'agent' as const } };
  /** The job the request's agent token belongs to (auth.ts authenticated it). */
  const jobOf = (req: FastifyRequest, jobId: string): JobRow => {
    const p = req.principal;
    if (p.kind !== 'agent' || p.jobId !== jobId)
      throw Object.assign(new Error('bad agent token for this job'), { statusCode: 403 });
    return c.requireJob(jobId);
  };
  const leaseBody = (r: Exclude<LeaseReply, { idle: true }>, job?: JobRow) =>
    'exit' in r
      ? r
      : {
          task: {
            id: r.task.id,
            kind: r.task.kind,
            stage: r.task.stage,
            frames: r.task.frames,
            payload: r.task.payload,
            // A job's directory never changes: the row read for the token check will do.
            jobDir: (job ?? c.store.jobs.get(r.task.jobId))?.dir,
          },
        };
  const agentOf = (req: FastifyRequest<{ Body: AgentBody }>) => {
    const id = req.body?.agentId;
    if (typeof id !== 'string')
      throw Object.assign(new Error('agentId is required'), { statusCode: 400 });
    const agent = c.store.agents.get(id);
    if (!agent) throw new CliError(`unknown agent ${id}`, 4);
    return { agent, job: jobOf(req, agent.jobId) };
  };

  app.post<{
    Body: { jobId: string; node: string; gpu: string; slurmJobId: number; pid?: number };
  }>('/api/agent/register', agentOnly, async (req) => {
    const b = req.body;
    if (!b || typeof b.jobId !== 'string' || typeof b.node !== 'string')
      throw Object.assign(new Error('jobId and node are required'), { statusCode: 400 });
    jobOf(req, b.jobId);
    const r = c.register(b.jobId, {
      node: b.node,
      gpu: String(b.gpu ?? ''),
      slurmJobId: Number(b.slurmJobId) || 0,
      pid: b.pid,
    });
    return 'exit' in r ? r : { agentId: r.id, leaseMs: c.cfg.leaseMs };
  });

  app.post<{ Body: AgentBody }>('/api/agent/heartbeat', agentOnly, async (req) => {
    const { agent } = agentOf(req);
    return c.heartbeat(agent.id);
  });

  app.post<{ Body: AgentBody }>('/api/agent/lease', agentOnly, async (req, reply) => {
    const { agent, job } = agentOf(req);
    const abort = new AbortController();
    // Stop waiting when the agent hangs up. Not `req.raw`'s 'close': since Node 16 that fires as
    // soon as the request body has been read, which ended every long-poll at once (agents spun).
    reply.raw.once('close', () => {
      if (!reply.raw.writableEnded) abort.abort();
    });
    const r = await c.lease(agent.id, Number(req.body.waitMs ?? 0), abort.signal);
    if ('idle' in r) return reply.code(204).send();
    return leaseBody(r, job);
  });

  app.post<{ Params: { id: string }; Body: AgentBody }>(
    '/api/agent/tasks/:id/renew',
    agentOnly,
    async (req, reply) => {
      const { agent } = agentOf(req);
      const ok = c.renew(agent.id, Number(req.params.id));
      return ok ? { ok } : reply.code(409).send({ error: 'the lease is gone: stop this task' });
    },
  );

  app.post<{ Params: { id: string }; Body: AgentBody }>(
    '/api/agent/tasks/:id/complete',
    agentOnly,
    async (req, reply) => {
      const { agent, job } = agentOf(req);
      // `lease: true` saves the agent a round trip and a commit: the next task (or why to exit) is
      // leased in the completion's transaction and comes back here; without one (`lease` absent)
      // the agent long-polls /api/agent/lease as usual. The agent's row is read once for both.
      const { done, next } = c.store.transaction(() => {
        const done = c.completeBy(agent, Number(req.params.id), req.body.result ?? {});
        return { done, next: done && req.body.lease === true ? c.leaseFor(agent) : undefined };
      });
      if (!done)
        return reply
          .code(409)
          .send({ error: 'the task was already done by another agent; result discarded' });
      return {
        ok: true,
        task: taskView(done),
        ...(next && !('idle' in next) ? { lease: leaseBody(next, job) } : {}),
      };
    },
  );

  app.post<{ Params: { id: string }; Body: AgentBody }>(
    '/api/agent/tasks/:id/fail',
    agentOnly,
    async (req) => {
      const { agent } = agentOf(req);
      c.fail(
        agent.id,
        Number(req.params.id),
        String(req.body.error ?? 'failed'),
        Array.isArray(req.body.tail) ? req.body.tail.map(String) : [],
      );
      return { ok: true };
    },
  );
}
