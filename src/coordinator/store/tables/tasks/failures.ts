import type { Sql } from '../../sql.js';

/** A task row's `failed_by`: the agents that failed it, as a JSON array (rows.ts `toTask`). */
export const FAILED_BY = `(SELECT json_group_array(f.agent_id) FROM task_failures f
  WHERE f.task_id = tasks.id) AS failed_by`;

/** True for a row of `tasks` that the agent bound to the `?` has not failed (a key lookup). */
export const NOT_FAILED_BY = `NOT EXISTS (SELECT 1 FROM task_failures f
  WHERE f.task_id = tasks.id AND f.agent_id = ?)`;

/**
 * The `task_failures` table: one row per task and agent that failed it. Such an agent is not
 * leased the task again, unless every agent left has failed it (`strandedFor`).
 */
export class TaskFailures {
  constructor(private readonly sql: Sql) {}

  add(taskId: number, agentId: string): void {
    this.sql
      .q('INSERT OR IGNORE INTO task_failures (task_id, agent_id) VALUES (?, ?)')
      .run(taskId, agentId);
  }

  /** Forgets who failed a task: it is tried afresh. */
  clear(taskId: number): void {
    this.sql.q('DELETE FROM task_failures WHERE task_id = ?').run(taskId);
  }

  /** Forgets every task these agents failed: they count as never having failed one. */
  forgetAgents(agentIds: readonly string[]): void {
    const del = this.sql.q('DELETE FROM task_failures WHERE agent_id = ?');
    for (const id of agentIds) del.run(id);
  }

  /**
   * The queued tasks of a stage that none of `agentIds` may take (each has failed them), with
   * when each may be tried again.
   */
  strandedFor(
    jobId: string,
    stage: string,
    agentIds: string[],
  ): { id: number; notBefore: number }[] {
    const rows = this.sql
      .q(
        `SELECT id, not_before FROM tasks WHERE job_id = ? AND stage = ? AND state = 'queued'
           AND EXISTS (SELECT 1 FROM task_failures f WHERE f.task_id = tasks.id)
           AND NOT EXISTS (SELECT 1 FROM json_each(?) a WHERE NOT EXISTS (SELECT 1
             FROM task_failures f WHERE f.task_id = tasks.id AND f.agent_id = a.value))`,
      )
      .all(jobId, stage, JSON.stringify(agentIds)) as { id: number; not_before: number | null }[];
    return rows.map((r) => ({ id: r.id, notBefore: r.not_before ?? 0 }));
  }
}
