import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { LeaseDecision } from '../scheduler/scheduler.js';
import type { AgentRow, JobRow, TaskRow } from '../store/types.js';
import { taskView } from '../views.js';
import {
  renewRequest,
  type TaskProgressReport,
  AGENT_ROUTES,
  completeRequest,
  failRequest,
  leaseRequest,
  registerRequest,
  type LeaseReplyBody,
  type WarmUp,
} from '../../api/agent-protocol.js';
import { checked, HttpError } from './http-error.js';

/** What the agents' routes ask of the coordinator. */
export interface AgentRoutesPort {
  /** How long a lease lasts before it must be renewed. */
  readonly leaseMs: number;
  /** The job, or a NotFoundError. */
  requireJob(jobId: string): JobRow;
  /** The agent, or a NotFoundError. */
  agentOf(agentId: string): AgentRow;
  register(
    jobId: string,
    info: { node: string; gpu: string; slurmJobId: number; pid?: number },
  ): AgentRow | { exit: string };
  /** What the job's agents may load before their first task. */
  warmUpOf(job: JobRow): WarmUp | undefined;
  /** Long-polls for a task for an agent and job the route has read. */
  leaseFor(
    agent: AgentRow,
    waitMs: number,
    signal: AbortSignal,
    job: JobRow,
  ): Promise<LeaseDecision>;
  renew(agentId: string, taskId: number, progress?: TaskProgressReport): Promise<boolean>;
  /** Records a finished task and, with `leaseNext`, leases the agent's next one with it. */
  completeFor(
    agent: AgentRow,
    taskId: number,
    result: Record<string, unknown>,
    leaseNext: boolean,
    job: JobRow,
  ): Promise<{ done: TaskRow | null; next?: LeaseDecision } | { rejected: string }>;
  fail(
    agentId: string,
    taskId: number,
    error: string,
    tail: string[],
    blame?: 'agent' | 'job',
  ): void;
}

const agentOnly = { config: { access: 'agent' as const } };
const TASK = '/api/agent/tasks/:id';

/** The request's body as the wire contract says, or a 400 naming what is wrong. */
function body<T>(schema: z.ZodType<T>, req: FastifyRequest, what: string): T {
  return checked(schema, req.body, what);
}

function taskId(req: FastifyRequest): number {
  const id = Number((req.params as { id?: string }).id);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new HttpError(400, 'task id must be a whole number');
  return id;
}

/**
 * Routes the agents call (see wire/agent-protocol.ts). An agent token acts only within its own
 * job: auth.ts says whose token it is, and every route checks the agent or job named belongs to it.
 */
export function registerAgentRoutes(app: FastifyInstance, c: AgentRoutesPort): void {
  /** The job of the request's token, which must be `jobId`. */
  const ownJob = (req: FastifyRequest, jobId: string): JobRow => {
    const p = req.principal;
    if (p.kind !== 'agent' || p.jobId !== jobId)
      throw new HttpError(403, 'this agent token is not for that job');
    return c.requireJob(jobId);
  };
  /** The agent a request names, which must belong to the token's job. */
  const ownAgent = (req: FastifyRequest, agentId: string): AgentRow => {
    const agent = c.agentOf(agentId);
    const p = req.principal;
    if (p.kind !== 'agent' || p.jobId !== agent.jobId)
      throw new HttpError(403, 'this agent token is not for that agent');
    return agent;
  };
  const leaseBody = (r: Exclude<LeaseDecision, { idle: true }>, job: JobRow): LeaseReplyBody =>
    'exit' in r
      ? { exit: r.exit }
      : {
          task: {
            id: r.task.id,
            kind: r.task.kind,
            stage: r.task.stage,
            frames: r.task.frames,
            payload: r.task.payload,
            jobDir: job.dir,
          },
        };

  app.post(AGENT_ROUTES.register, agentOnly, async (req) => {
    const b = body(registerRequest, req, 'register');
    const job = ownJob(req, b.jobId);
    const r = c.register(b.jobId, b);
    if ('exit' in r) return r;
    const warmUp = c.warmUpOf(job);
    return { agentId: r.id, leaseMs: c.leaseMs, ...(warmUp ? { warmUp } : {}) };
  });

  app.post(AGENT_ROUTES.lease, agentOnly, async (req, reply: FastifyReply) => {
    const b = body(leaseRequest, req, 'lease');
    const agent = ownAgent(req, b.agentId);
    const job = c.requireJob(agent.jobId);
    const abort = new AbortController();
    // Stop waiting when the agent hangs up. Not `req.raw`'s 'close': since Node 16 that fires as
    // soon as the request body has been read, which ended every long-poll at once (agents spun).
    reply.raw.once('close', () => {
      if (!reply.raw.writableEnded) abort.abort();
    });
    const r = await c.leaseFor(agent, b.waitMs ?? 0, abort.signal, job);
    if ('idle' in r) return reply.code(204).send();
    return leaseBody(r, job);
  });

  app.post(`${TASK}/renew`, agentOnly, async (req, reply) => {
    const b = body(renewRequest, req, 'renew');
    const agent = ownAgent(req, b.agentId);
    return (await c.renew(agent.id, taskId(req), b.progress))
      ? { ok: true }
      : reply.code(409).send({ error: 'the lease is gone: stop this task' });
  });

  app.post(`${TASK}/complete`, agentOnly, async (req, reply) => {
    const b = body(completeRequest, req, 'complete');
    const agent = ownAgent(req, b.agentId);
    const id = taskId(req);
    const job = c.requireJob(agent.jobId);
    // `lease: true` saves the agent a round trip and a commit: the next task (or why to exit) is
    // leased in the completion's transaction and comes back here; without one the agent
    // long-polls the lease route as usual. The agent's and job's rows are read once for both.
    const r = await c.completeFor(agent, id, b.result, b.lease === true, job);
    if ('rejected' in r) return reply.code(409).send({ error: `result discarded: ${r.rejected}` });
    const { done, next } = r;
    if (!done)
      return reply
        .code(409)
        .send({ error: 'this agent does not hold the lease of that task; result discarded' });
    return {
      ok: true,
      task: taskView(done),
      ...(next && !('idle' in next) ? { lease: leaseBody(next, job) } : {}),
    };
  });

  app.post(`${TASK}/fail`, agentOnly, async (req) => {
    const b = body(failRequest, req, 'fail');
    const agent = ownAgent(req, b.agentId);
    c.fail(agent.id, taskId(req), b.error, b.tail, b.blame);
    return { ok: true };
  });
}
