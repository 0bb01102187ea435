import type { JobEndNotice } from '../../api/notify.js';
import type { Progress } from '../../api/types.js';
import type { JobRow } from '../store/types.js';

/** The message a job's end sends (api/notify.ts), from its row and its tasks' counts. */
export function jobEndNotice(
  job: JobRow,
  state: JobEndNotice['state'],
  tasks: Progress,
  finishedAt: number,
): JobEndNotice {
  return {
    type: 'job.ended',
    jobId: job.id,
    name: job.name,
    kind: job.kind,
    state,
    error: job.error,
    tasks: { total: tasks.total, done: tasks.done, failed: tasks.failed },
    createdAt: job.createdAt,
    finishedAt,
  };
}
