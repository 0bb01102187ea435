import type { Sql } from '../../sql.js';
import type { NewTask } from '../../types.js';
import type { JobChanges } from './changes.js';
import type { TaskFailures } from './failures.js';

/** What a job's plan and its user do to the queue: add a plan's tasks, retry, cancel. */
export class QueueEdits {
  constructor(
    private readonly sql: Sql,
    private readonly changes: JobChanges,
    private readonly failures: TaskFailures,
  ) {}

  insert(jobId: string, tasks: NewTask[]): void {
    this.changes.bump(jobId);
    const ins = this.sql.q(
      `INSERT INTO tasks (job_id, stage, seq, kind, payload, frames, state, lease_tier, lease_key)
       VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
    );
    for (const t of tasks)
      ins.run(
        jobId,
        t.stage,
        t.seq,
        t.kind,
        JSON.stringify(t.payload),
        JSON.stringify(t.frames),
        t.lease?.tier ?? 0,
        t.lease?.key ?? 0,
      );
  }

  /**
   * Replaces queued tasks that were never leased with `tasks` (chunks sized again); does nothing
   * and returns false when one of `ids` is no longer such a task.
   */
  replaceQueued(jobId: string, ids: number[], tasks: NewTask[]): boolean {
    return this.sql.transaction(() => {
      const fresh = this.sql.q(
        `SELECT 1 FROM tasks WHERE id = ? AND job_id = ? AND state = 'queued'
         AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.task_id = tasks.id)`,
      );
      if (!ids.every((id) => fresh.get(id, jobId) !== undefined)) return false;
      const del = this.sql.q(`DELETE FROM tasks WHERE id = ? AND job_id = ?`);
      for (const id of ids) del.run(id, jobId);
      this.insert(jobId, tasks);
      return true;
    });
  }

  /**
   * Queues finished tasks (failed, cancelled or done) again with fresh attempts, forgetting who
   * failed them. Returns how many.
   */
  reopen(jobId: string, taskIds: number[]): number {
    this.changes.bump(jobId);
    return this.sql.transaction(() => {
      let n = 0;
      for (const id of taskIds) {
        const changed = this.sql
          .q(
            `UPDATE tasks SET state = 'queued', attempts = 0, error = NULL, error_tail = NULL, finished_at = NULL,
               agent_id = NULL, lease_attempt = NULL, result = NULL WHERE id = ? AND job_id = ? AND state IN ('failed', 'cancelled', 'done')`,
          )
          .run(id, jobId).changes;
        if (changed) this.failures.clear(id);
        n += changed;
      }
      return n;
    });
  }

  /** Cancels every task of a job still queued or leased. */
  cancelOpen(jobId: string, now: number): void {
    this.changes.bump(jobId);
    this.sql
      .q(
        `UPDATE tasks SET state = 'cancelled', finished_at = ?, lease_expires = NULL WHERE job_id = ? AND state IN ('queued', 'leased')`,
      )
      .run(now, jobId);
  }
}
