import type { Sql } from '../../sql.js';
import type { CostliestFirst, TaskRow } from '../../types.js';
import type { JobChanges } from './changes.js';
import type { Estimates } from './estimates.js';
import { NOT_FAILED_BY } from './failures.js';
import type { TaskReads } from './reads.js';

/** The agent a lease or a result belongs to. */
export interface Holder {
  id: string;
  node: string;
  gpu: string;
}

/** Leases: taking the next task of a stage, and keeping a lease alive. */
export class Leases {
  constructor(
    private readonly sql: Sql,
    private readonly changes: JobChanges,
    private readonly reads: TaskReads,
    private readonly estimates: Estimates,
  ) {}

  /**
   * Leases the first queued task of a stage, in its lease order (scheduler/lease-order.ts: by
   * seq unless the stage orders otherwise), that this agent has not failed before, or null.
   * `allowExcluded` lifts that rule (no other agent is left to take the task) for tasks whose
   * retry pause (`not_before`) is over. `costliestFirst`: the stage is leased so, and the
   * lease tells its neighbours (`Estimates.leasedNear`) in the same transaction.
   */
  leaseNext(
    jobId: string,
    stage: string,
    agent: Holder,
    now: number,
    leaseMs: number,
    allowExcluded = false,
    costliestFirst?: CostliestFirst,
  ): TaskRow | null {
    return this.sql.transaction(() => {
      const r = this.sql
        .q(
          `SELECT id, attempts FROM tasks WHERE job_id = ? AND stage = ? AND state = 'queued'
           AND (${NOT_FAILED_BY} OR (? AND COALESCE(not_before, 0) <= ?))
           ORDER BY lease_tier, lease_key, seq LIMIT 1`,
        )
        .get(jobId, stage, agent.id, allowExcluded ? 1 : 0, now) as
        { id: number; attempts: number } | undefined;
      if (!r) return null;
      this.changes.bump(jobId);
      const attempt = r.attempts + 1;
      this.sql
        .q(
          `UPDATE tasks SET state = 'leased', agent_id = ?, node = ?, gpu = ?, lease_expires = ?, lease_attempt = ?, started_at = ? WHERE id = ?`,
        )
        .run(agent.id, agent.node, agent.gpu, now + leaseMs, attempt, now, r.id);
      this.sql
        .q(
          'INSERT INTO attempts (task_id, attempt, agent_id, node, gpu, started_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(r.id, attempt, agent.id, agent.node, agent.gpu, now);
      const task = this.reads.get(r.id) ?? null;
      if (task && costliestFirst) this.estimates.leasedNear(task, costliestFirst);
      return task;
    });
  }

  renew(taskId: number, agentId: string, until: number): boolean {
    return (
      this.sql
        .q(`UPDATE tasks SET lease_expires = ? WHERE id = ? AND agent_id = ? AND state = 'leased'`)
        .run(until, taskId, agentId).changes === 1
    );
  }

  /** Pushes every live lease out to at least `until` (the coordinator was away; agents need a moment). */
  extendLeases(until: number): void {
    this.sql
      .q(`UPDATE tasks SET lease_expires = MAX(lease_expires, ?) WHERE state = 'leased'`)
      .run(until);
  }
}
