import { z } from 'zod';

/**
 * What every kind's request shares. The schemas check each field's type only: the planners
 * (coordinator/jobs/) check the values, against the partition and the files, in their own words.
 * Where a planner once refused a field's type itself, the schema's message is the planner's, so
 * that a refusal still reads `field: what to give`.
 */

/** Autoscaling bounds; `idleSeconds` (default 30) is how long a node may idle before it goes back. */
export const autoScaleSpec = z.object({
  min: z.number(),
  max: z.number(),
  targetFinishSeconds: z.number().optional(),
  idleSeconds: z.number().optional(),
});

/** Fields every kind of job shares (checked against the partition by jobs/common-fields.ts). */
export const commonFields = z.object({
  /** Nodes to start on (default 1). */
  nodes: z.number().optional(),
  /** GPUs used on each node; default the most a node of the partition has. */
  gpusPerNode: z.number().optional(),
  name: z.string().optional(),
  /** Slurm time limit in minutes for each allocation (default 60). */
  timeLimitMinutes: z.number().optional(),
  /** Autoscaling between `min` and `max` nodes. */
  auto: autoScaleSpec.optional(),
  /** 1..100, higher first (default 50); see api/priority.ts. */
  priority: z.number().optional(),
  /** URLs told of the job's end (api/notify.ts). */
  notify: z.array(z.string()).optional(),
  /** How often a failed task is tried again (0: one try); default the coordinator's. */
  maxRetriesPerTask: z
    .number()
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be 0 or more' })
    .max(100, { error: 'must be at most 100' })
    .optional(),
});

/** What a path field of a file or directory the head node reads is refused with when not text. */
export const ABSOLUTE_PATH = 'give an absolute path';

/** A list of strings (an argv, never a shell string), refused as a whole with `message`. */
export const stringList = (message: string) =>
  z.custom<string[]>((v) => Array.isArray(v) && v.every((w) => typeof w === 'string'), message);
