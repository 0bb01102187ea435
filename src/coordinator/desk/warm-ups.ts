import type { WarmUp } from '../jobs/job-type.js';
import { jobTypeOf } from '../jobs/registry.js';
import type { TasksTable } from '../store/tables/tasks/tasks-table.js';
import type { JobRow, TaskRow } from '../store/types.js';

/**
 * The warm-up of a job of `kind`: its job type's, from the first open task of the main stage
 * that `firstOf` finds (asked only when the job type has a warm-up).
 */
export function warmUpOf(
  kind: JobRow['kind'],
  firstOf: (stage: string) => Pick<TaskRow, 'kind' | 'payload'> | undefined,
): WarmUp | undefined {
  const type = jobTypeOf(kind);
  const first = type.warmUp ? firstOf(type.mainStage) : undefined;
  return first && type.warmUp?.(first);
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
      w = warmUpOf(job.kind, (stage) => this.tasks.firstOpen(job.id, stage)) ?? null;
      this.byJob.set(job.id, w);
    }
    return w ?? undefined;
  }
}
