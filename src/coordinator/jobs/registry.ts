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
 * The job type of each kind: typed by `JobKind` (the kinds of api/submit.ts's requests) so that
 * a kind added to the API without its job type here fails the typecheck.
 */
const BY_KIND: { [K in JobKind]: JobType<K> } = {
  blender: blenderJob,
  'blender-still': blenderStillJob,
  'blender-dataset': blenderDatasetJob,
  plenoxels: plenoxelsJob,
  command: commandJob,
  index: indexJob,
  openjd: openjdJob,
};

/** Every kind of job the coordinator runs. */
export const JOB_TYPES: readonly JobType[] = Object.values(BY_KIND);

const byKind = new Map<string, JobType>(Object.entries(BY_KIND));

/** The job type of a stored job's kind. */
export function jobTypeOf(kind: JobKind): JobType {
  const t = byKind.get(kind);
  if (!t) throw new Error(`no job type ${kind}`);
  return t;
}

/** Plans a request (read by planning.ts `submitted`) with the job type its `kind` names. */
export function planJob(req: SubmitRequest, ctx: PlanContext): JobPlan {
  return jobTypeOf(req.kind).plan(req, ctx);
}
