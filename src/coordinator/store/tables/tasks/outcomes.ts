import { toTask } from '../../rows.js';
import type { Row, Sql } from '../../sql.js';
import type { TaskRow } from '../../types.js';
import type { JobChanges } from './changes.js';
import type { TaskFailures } from './failures.js';
import type { Holder } from './lease.js';
import { type TaskReads, TASK_ROW } from './reads.js';

/** Which leased tasks go back to the queue. */
export type RequeueWhere = { expiredBefore: number } | { agentId: string } | { taskId: number };

/** How a lease ends: done, failed, or handed back to the queue. */
export class Outcomes {
  constructor(
    private readonly sql: Sql,
    private readonly changes: JobChanges,
    private readonly reads: TaskReads,
    private readonly failures: TaskFailures,
  ) {}

  /**
   * Marks a task done with its result, once, and only for the agent that leased it: while its
   * lease runs, or after the lease lapsed if nobody leased the task since (the work is not lost).
   * A task nobody leased, or one another agent holds now, is refused.
   */
  complete(taskId: number, agent: Holder, result: Record<string, unknown>, now: number): boolean {
    return this.sql.transaction(() => {
      const row = this.sql
        .q(
          `UPDATE tasks SET state = 'done', result = ?, node = ?, gpu = ?, finished_at = ?, lease_expires = NULL, error = NULL
           WHERE id = ? AND agent_id = ? AND lease_attempt IS NOT NULL
             AND (state = 'leased' OR (state = 'queued' AND lease_expires IS NULL))
           RETURNING job_id`,
        )
        .get(JSON.stringify(result), agent.node, agent.gpu, now, taskId, agent.id) as
        { job_id: string } | undefined;
      if (row) this.changes.bump(row.job_id);
      this.sql
        .q(
          `UPDATE attempts SET ended_at = ?, outcome = ? WHERE task_id = ? AND agent_id = ? AND ended_at IS NULL`,
        )
        .run(now, row ? 'done' : 'late', taskId, agent.id);
      return row !== undefined;
    });
  }

  /**
   * Records a failed attempt of the lease holder. When the agent is to blame, the attempt counts
   * and the agent may not take the task again (unless no other agent is left, and then not
   * before `notBefore`); past `maxAttempts` the task fails. When the job is to blame (its output
   * cannot be written: the same on every agent), nothing counts against the task or the agent.
   * Null when `agentId` does not hold the lease.
   */
  fail(
    taskId: number,
    agentId: string,
    f: {
      error: string;
      tail: string[];
      maxAttempts: number;
      now: number;
      blame: 'agent' | 'job';
      notBefore: number | null;
    },
  ): TaskRow['state'] | null {
    return this.sql.transaction(() => {
      const t = this.reads.get(taskId);
      if (!t || t.state !== 'leased' || t.agentId !== agentId) return null;
      this.changes.bump(t.jobId);
      const counts = f.blame === 'agent';
      const attempts = t.attempts + (counts ? 1 : 0);
      const state = attempts >= f.maxAttempts ? 'failed' : 'queued';
      if (counts) this.failures.add(taskId, agentId);
      this.sql
        .q(
          `UPDATE tasks SET state = ?, attempts = ?, error = ?, error_tail = ?, lease_expires = NULL,
             not_before = ?, agent_id = CASE WHEN ? = 'failed' THEN agent_id ELSE NULL END,
             finished_at = CASE WHEN ? = 'failed' THEN ? ELSE NULL END WHERE id = ?`,
        )
        .run(
          state,
          attempts,
          f.error,
          JSON.stringify(f.tail),
          f.notBefore,
          state,
          state,
          f.now,
          taskId,
        );
      this.sql
        .q(
          `UPDATE attempts SET ended_at = ?, outcome = ?, error = ? WHERE task_id = ? AND agent_id = ? AND ended_at IS NULL`,
        )
        .run(f.now, counts ? 'failed' : 'paused', f.error, taskId, agentId);
      return state;
    });
  }

  /** Puts leased tasks back in the queue without counting an attempt (their agent vanished or was drained). */
  requeueLeased(where: RequeueWhere, now: number): TaskRow[] {
    return this.sql.transaction(() => {
      const [cond, arg] =
        'expiredBefore' in where
          ? ['lease_expires < ?', where.expiredBefore]
          : 'agentId' in where
            ? ['agent_id = ?', where.agentId]
            : ['id = ?', where.taskId];
      const rows = (
        this.sql
          .q(`SELECT ${TASK_ROW} FROM tasks WHERE state = 'leased' AND ${cond}`)
          .all(arg) as Row[]
      ).map(toTask);
      for (const t of rows) {
        this.changes.bump(t.jobId);
        this.sql
          .q(
            `UPDATE tasks SET state = 'queued', lease_expires = NULL WHERE id = ? AND state = 'leased'`,
          )
          .run(t.id);
        this.sql
          .q(
            `UPDATE attempts SET ended_at = ?, outcome = 'requeued' WHERE task_id = ? AND ended_at IS NULL`,
          )
          .run(now, t.id);
      }
      return rows;
    });
  }
}
