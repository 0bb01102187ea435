import type { WarmUp } from '../jobs/job-type.js';
import { jobTypeOf } from '../jobs/registry.js';
import type { TasksTable } from '../store/tables/tasks.js';
import type { JobRow, TaskRow } from '../store/types.js';

type TaskLike = Pick<TaskRow, 'stage' | 'kind' | 'payload'>;

/** The warm-up of a job of `kind` whose first open task of the main stage is among `tasks`. */
export function warmUpOf(kind: JobRow['kind'], tasks: Iterable<TaskLike>): WarmUp | undefined {
  const type = jobTypeOf(kind);
  if (!type.warmUp) return undefined;
  for (const t of tasks) if (t.stage === type.mainStage) return type.warmUp(t);
  return undefined;
}

/**
 * What a job's new agents may load before their first task, worked out once per job from the
 * first open task of its main stage. The allocation script hands it to the agents it starts (they
 * begin before registering) and the registration reply names it again.
 */
export class WarmUps {
  private readonly byJob = new Map<string, WarmUp | null>();

  constructor(private readonly tasks: Pick<TasksTable, 'firstOpen'>) {}

  of(job: JobRow): WarmUp | undefined {
    let w = this.byJob.get(job.id);
    if (w === undefined) {
      const first = this.tasks.firstOpen(job.id, jobTypeOf(job.kind).mainStage);
      w = warmUpOf(job.kind, first ? [first] : []) ?? null;
      this.byJob.set(job.id, w);
    }
    return w ?? undefined;
  }
}
