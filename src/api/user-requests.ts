import { z } from 'zod';
import { PRIORITY_MAX, PRIORITY_MIN } from './priority.js';

/**
 * Bodies and query strings of the user routes that are not submissions (a submission is read by
 * submit.ts, then planned). Parsed with `parseWire` at the route.
 */
const count = (max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number of at least 0')
    .transform(Number)
    .refine((n) => n <= max, `must be at most ${max}`);

/** `GET /api/jobs/:id/tasks?stage=&state=&offset=&limit=` (limit at most 20,000). */
export const tasksQuery = z.object({
  stage: z.string().max(200).optional(),
  state: z.enum(['queued', 'leased', 'done', 'failed', 'cancelled']).optional(),
  offset: count(1_000_000_000).optional(),
  limit: count(20_000).optional(),
});

/** `POST /api/jobs/:id/retry {frames?: "12,40" | "1-10"}`. */
export const retryBody = z
  .object({ frames: z.string().max(100_000).optional() })
  .strict()
  .nullish();

const autoScale = z
  .object({
    min: z.number().int().min(1),
    max: z.number().int().min(1),
    targetFinishSeconds: z.number().positive().optional(),
    idleSeconds: z.number().positive().optional(),
  })
  .strict();

/** `POST /api/jobs/:id/scale` (see ScaleRequest). */
export const scaleBody = z
  .object({
    nodes: z.number().int().min(0).optional(),
    add: z.number().int().min(0).optional(),
    remove: z.number().int().min(0).optional(),
    nodeList: z
      .array(z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be a node name'))
      .max(10_000)
      .optional(),
    now: z.boolean().optional(),
    auto: z.union([autoScale, z.literal(false)]).optional(),
  })
  .strict()
  .nullish();

/** `GET /api/jobs/:id/logs?agent=&tail=` (tail at most 5,000 lines). */
export const logsQuery = z.object({
  agent: z.string().max(512).optional(),
  tail: count(5_000).optional(),
});

/** `POST /api/jobs/:id/priority {priority: 1..100}`. */
export const priorityBody = z
  .object({ priority: z.number().int().min(PRIORITY_MIN).max(PRIORITY_MAX) })
  .strict();
