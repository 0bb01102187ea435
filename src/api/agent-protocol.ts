import { z } from 'zod';

/**
 * The agent protocol: every request an agent sends and every reply it gets, in one place, checked
 * on both sides. All routes are POST with the job's agent token as the bearer token.
 *
 *   register  {jobId, node, gpu, slurmJobId, pid?}      -> {agentId, leaseMs, warmUp?} | {exit}
 *   lease     {agentId, waitMs?}                        -> {task} | {exit}; 204 when no work came
 *             (within the last fifth of waitMs, at most 10 s: agents started together spread out)
 *   renew     {agentId, progress?}                      -> {ok}; 409 when the lease is gone
 *             (progress: how far the task is, the renderer's latest; kept in memory, not written)
 *   complete  {agentId, result, lease?}                 -> {ok, task, lease?}; 409 when not held
 *   fail      {agentId, error, tail, blame?}            -> {ok}
 *
 * Errors are `{error}` with 400 (a malformed request), 401/403 (token), 404 (no such agent or
 * task), 409 (the lease is gone) or 5xx (the coordinator's trouble: agents retry those).
 */
export const AGENT_ROUTES = {
  register: '/api/agent/register',
  lease: '/api/agent/lease',
  renew: (taskId: number | string) => `/api/agent/tasks/${taskId}/renew`,
  complete: (taskId: number | string) => `/api/agent/tasks/${taskId}/complete`,
  fail: (taskId: number | string) => `/api/agent/tasks/${taskId}/fail`,
} as const;

const name = (max: number) => z.string().min(1).max(max);

export const registerRequest = z.object({
  jobId: name(64),
  node: name(255),
  gpu: z.string().max(64),
  slurmJobId: z.number().int().min(0),
  pid: z.number().int().positive().optional(),
});

/** What the agent's runner for `kind` may load while the agent asks for its first task. */
export const warmUp = z.object({ kind: z.string(), payload: z.record(z.string(), z.unknown()) });

export const registerReply = z.union([
  z.object({
    agentId: z.string(),
    leaseMs: z.number().int().positive(),
    warmUp: warmUp.optional(),
  }),
  z.object({ exit: z.string() }),
]);

export const agentRequest = z.object({ agentId: name(512) });

/**
 * How far a running task is, as its runner last read it (Blender's `Sample 12/128`): `fraction`
 * of the whole task (0..1); for a task of several frames, the frame rendering now, how far it
 * is and how long it has run (ms, the agent's clock: the coordinator turns it into a start).
 */
export const taskProgress = z.object({
  fraction: z.number().min(0).max(1),
  activity: z.string().max(120).optional(),
  frame: z.number().int().optional(),
  frameFraction: z.number().min(0).max(1).optional(),
  frameElapsedMs: z
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 3600_000)
    .optional(),
});

export const renewRequest = agentRequest.extend({ progress: taskProgress.optional() });

export const leaseRequest = agentRequest.extend({
  /** How long to wait for work (ms); the coordinator caps it. */
  waitMs: z.number().int().min(0).max(600_000).optional(),
});

/** A leased task as the agent receives it; `payload` is checked by its kind's runner. */
export const leasedTask = z.object({
  id: z.number().int(),
  kind: z.string(),
  stage: z.string(),
  frames: z.array(z.number().int()),
  payload: z.record(z.string(), z.unknown()),
  jobDir: z.string(),
});

export const leaseReply = z.union([z.object({ task: leasedTask }), z.object({ exit: z.string() })]);

export const completeRequest = agentRequest.extend({
  result: z.record(z.string(), z.unknown()).default({}),
  /** Also lease the next task (without waiting) and send it in the same reply. */
  lease: z.boolean().optional(),
});

export const completeReply = z.object({
  ok: z.literal(true),
  task: z.unknown(),
  lease: leaseReply.optional(),
});

export const failRequest = agentRequest.extend({
  error: z.string().max(20_000).default('failed'),
  tail: z.array(z.string().max(20_000)).max(500).default([]),
  /** `job` when every agent would fail alike (the output cannot be written). */
  blame: z.enum(['agent', 'job']).default('agent'),
});

export type LeasedTask = z.infer<typeof leasedTask>;
export type TaskProgressReport = z.infer<typeof taskProgress>;
export type WarmUp = z.infer<typeof warmUp>;
export type LeaseReplyBody = z.infer<typeof leaseReply>;
