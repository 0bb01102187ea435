import type { Sql } from '../sql.js';

/** Changes to one task that a user asks for (the rest of the queue's writes are in tasks.ts). */
export class TaskEditsTable {
  constructor(private readonly sql: Sql) {}

  /**
   * Cancels one queued or leased task of a job and closes its open attempt; a lease it had
   * lapses at once (the agent's next renewal is refused). False when the task was not open.
   */
  cancelOne(jobId: string, taskId: number, now: number): boolean {
    return this.sql.transaction(() => {
      const changed = this.sql
        .q(
          `UPDATE tasks SET state = 'cancelled', finished_at = ?, lease_expires = NULL
           WHERE id = ? AND job_id = ? AND state IN ('queued', 'leased')`,
        )
        .run(now, taskId, jobId).changes;
      if (changed)
        this.sql
          .q(
            `UPDATE attempts SET ended_at = ?, outcome = 'cancelled' WHERE task_id = ? AND ended_at IS NULL`,
          )
          .run(now, taskId);
      return changed === 1;
    });
  }
}
