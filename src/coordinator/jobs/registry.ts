import { UsageError } from '../../errors.js';
import type { JobKind, SubmitRequest } from '../../api/types.js';
import { blenderJob } from './blender.js';
import { blenderDatasetJob } from './blender-dataset.js';
import { blenderStillJob } from './blender-still.js';
import { commandJob } from './command.js';
import { indexJob } from './index-session.js';
import { openjdJob } from './openjd.js';
import type { JobPlan, JobType, PlanContext } from './job-type.js';
import { plenoxelsJob } from './plenoxels.js';

/**
 * The job type of each kind: typed by `JobKind` so that a kind added to the API without its job
 * type here fails the typecheck. Kept in this order (`planJob` names them so).
 */
const BY_KIND = {
  blender: blenderJob,
  'blender-still': blenderStillJob,
  'blender-dataset': blenderDatasetJob,
  plenoxels: plenoxelsJob,
  command: commandJob,
  index: indexJob,
  openjd: openjdJob,
} satisfies Record<JobKind, JobType>;

/** Every kind of job the coordinator runs. */
export const JOB_TYPES: readonly JobType[] = Object.values(BY_KIND);

const byKind = new Map<string, JobType>(Object.entries(BY_KIND));

/** The job type of a stored job's kind. */
export function jobTypeOf(kind: JobKind): JobType {
  const t = byKind.get(kind);
  if (!t) throw new Error(`no job type ${kind}`);
  return t;
}

/** Plans a request with the job type its `kind` names; an unknown kind is a UsageError. */
export function planJob(req: SubmitRequest, ctx: PlanContext): JobPlan {
  const type = req && typeof req === 'object' ? byKind.get(String(req.kind)) : undefined;
  if (!type)
    throw new UsageError(
      `kind must be one of ${[...byKind.keys()].join(', ')} (got ${JSON.stringify((req as { kind?: unknown } | undefined)?.kind)})`,
    );
  return type.plan(req, ctx);
}
