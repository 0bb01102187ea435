import type { Progress } from '../../../api/types.js';
import { LEASE_TIER } from '../../scheduler/lease-order.js';
import { toTask } from '../rows.js';
import type { Row, Sql } from '../sql.js';
import type { NewTask, TaskRow } from '../types.js';

/** The agent a lease or a result belongs to. */
export interface Holder {
  id: string;
  node: string;
  gpu: string;
}

/** A count's own copy: callers may change what they get. */
const copy = (v: { tasks: Progress; frames: Progress }) => ({
  tasks: { ...v.tasks },
  frames: { ...v.frames },
});

/** Which leased tasks go back to the queue. */
export type RequeueWhere = { expiredBefore: number } | { agentId: string } | { taskId: number };

/**
 * The `tasks` and `attempts` tables: the queue, leases, results and every attempt. Every write
 * goes through here and counts a change of its job, so that a stage's progress is counted again
 * only when its job changed: a long history of finished jobs is not recounted on every listing.
 */
export class TasksTable {
  /** Per job, how many writes changed its tasks' states. */
  private readonly changes = new Map<string, number>();
  private readonly counted = new Map<
    string,
    { change: number; value: { tasks: Progress; frames: Progress } }
  >();

  constructor(private readonly sql: Sql) {}

  private changed(jobId: string): void {
    this.changes.set(jobId, (this.changes.get(jobId) ?? 0) + 1);
  }

  insert(jobId: string, tasks: NewTask[]): void {
    this.changed(jobId);
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

  get(id: number): TaskRow | undefined {
    const r = this.sql.q('SELECT * FROM tasks WHERE id = ?').get(id) as Row | undefined;
    return r ? toTask(r) : undefined;
  }

  /**
   * Leases the first queued task of a stage, in its lease order (scheduler/lease-order.ts: by
   * seq unless the stage orders otherwise), that this agent has not failed before, or null.
   * `allowExcluded` lifts that rule (no other agent is left to take the task) for tasks whose
   * retry pause (`not_before`) is over. `costliestFirst`: the stage is leased so, and the
   * lease tells its neighbours (`leasedNear`) in the same transaction.
   */
  leaseNext(
    jobId: string,
    stage: string,
    agent: Holder,
    now: number,
    leaseMs: number,
    allowExcluded = false,
    costliestFirst?: { stride: number },
  ): TaskRow | null {
    return this.sql.transaction(() => {
      const r = this.sql
        .q(
          `SELECT id, attempts FROM tasks WHERE job_id = ? AND stage = ? AND state = 'queued'
           AND (instr(excluded_agents, ?) = 0 OR (? AND COALESCE(not_before, 0) <= ?))
           ORDER BY lease_tier, lease_key, seq LIMIT 1`,
        )
        .get(jobId, stage, JSON.stringify(agent.id), allowExcluded ? 1 : 0, now) as
        { id: number; attempts: number } | undefined;
      if (!r) return null;
      this.changed(jobId);
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
      const task = this.get(r.id) ?? null;
      if (task && costliestFirst) this.leasedNear(task, costliestFirst.stride);
      return task;
    });
  }

  /**
   * What a lease tells the queued tasks near it, in a stage leased costliest first: those
   * within `stride` (in seq) that it is now the nearest leased or finished task to, or as near
   * as the one their estimate came from, are not measured until it finishes (a costly task may
   * be running there), so they go before the estimated ones. Samples keep their place.
   */
  private leasedNear(task: Pick<TaskRow, 'jobId' | 'stage' | 'seq'>, stride: number): void {
    this.sql
      .q(
        `UPDATE tasks SET lease_tier = @unmeasured, lease_key = 0, lease_from = abs(seq - @seq)
         WHERE job_id = @jobId AND stage = @stage AND state = 'queued'
           AND seq BETWEEN @seq - @stride AND @seq + @stride AND seq != @seq
           AND lease_tier != @sample AND (lease_from IS NULL OR abs(seq - @seq) <= lease_from)`,
      )
      .run({ ...LEASE_TIER, jobId: task.jobId, stage: task.stage, seq: task.seq, stride });
  }

  /**
   * What a finished task's cost tells the queued tasks near it, in a stage leased costliest
   * first: each within `stride` (in seq) that is not a sample takes `seconds` as its estimate,
   * unless a nearer task gave it one (at the same distance, the costlier estimate stands, and
   * a measured one over a lease's).
   */
  finishedNear(
    task: Pick<TaskRow, 'jobId' | 'stage' | 'seq'>,
    seconds: number,
    stride: number,
  ): void {
    this.sql
      .q(
        `UPDATE tasks SET lease_tier = @estimated, lease_key = @key, lease_from = abs(seq - @seq)
         WHERE job_id = @jobId AND stage = @stage AND state = 'queued'
           AND seq BETWEEN @seq - @stride AND @seq + @stride
           AND lease_tier != @sample
           AND (lease_from IS NULL OR abs(seq - @seq) < lease_from
                OR (abs(seq - @seq) = lease_from
                    AND (lease_tier = @unmeasured OR @key < lease_key)))`,
      )
      .run({
        ...LEASE_TIER,
        key: -seconds,
        jobId: task.jobId,
        stage: task.stage,
        seq: task.seq,
        stride,
      });
  }

  /** The first task of a stage still to be done (queued or leased), in order. */
  firstOpen(jobId: string, stage: string): TaskRow | undefined {
    const r = this.sql
      .q(
        `SELECT * FROM tasks WHERE job_id = ? AND stage = ? AND state IN ('queued', 'leased') ORDER BY seq LIMIT 1`,
      )
      .get(jobId, stage) as Row | undefined;
    return r ? toTask(r) : undefined;
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
        `SELECT id, excluded_agents, not_before FROM tasks WHERE job_id = ? AND stage = ? AND state = 'queued' AND excluded_agents != '[]'`,
      )
      .all(jobId, stage) as { id: number; excluded_agents: string; not_before: number | null }[];
    return rows
      .filter((r) => {
        const ex = JSON.parse(r.excluded_agents) as string[];
        return agentIds.every((id) => ex.includes(id));
      })
      .map((r) => ({ id: r.id, notBefore: r.not_before ?? 0 }));
  }

  renew(taskId: number, agentId: string, until: number): boolean {
    return (
      this.sql
        .q(`UPDATE tasks SET lease_expires = ? WHERE id = ? AND agent_id = ? AND state = 'leased'`)
        .run(until, taskId, agentId).changes === 1
    );
  }

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
      if (row) this.changed(row.job_id);
      const changed = row ? 1 : 0;
      this.sql
        .q(
          `UPDATE attempts SET ended_at = ?, outcome = ? WHERE task_id = ? AND agent_id = ? AND ended_at IS NULL`,
        )
        .run(now, changed ? 'done' : 'late', taskId, agent.id);
      return changed === 1;
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
      const t = this.get(taskId);
      if (!t || t.state !== 'leased' || t.agentId !== agentId) return null;
      this.changed(t.jobId);
      const counts = f.blame === 'agent';
      const attempts = t.attempts + (counts ? 1 : 0);
      const state = attempts >= f.maxAttempts ? 'failed' : 'queued';
      const excluded = counts ? [...new Set([...t.excludedAgents, agentId])] : t.excludedAgents;
      this.sql
        .q(
          `UPDATE tasks SET state = ?, attempts = ?, excluded_agents = ?, error = ?, error_tail = ?, lease_expires = NULL,
             not_before = ?, agent_id = CASE WHEN ? = 'failed' THEN agent_id ELSE NULL END,
             finished_at = CASE WHEN ? = 'failed' THEN ? ELSE NULL END WHERE id = ?`,
        )
        .run(
          state,
          attempts,
          JSON.stringify(excluded),
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
        this.sql.q(`SELECT * FROM tasks WHERE state = 'leased' AND ${cond}`).all(arg) as Row[]
      ).map(toTask);
      for (const t of rows) {
        this.changed(t.jobId);
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

  /** Pushes every live lease out to at least `until` (the coordinator was away; agents need a moment). */
  extendLeases(until: number): void {
    this.sql
      .q(`UPDATE tasks SET lease_expires = MAX(lease_expires, ?) WHERE state = 'leased'`)
      .run(until);
  }

  /** A job's tasks, optionally of one stage and state, a page at a time. */
  list(
    jobId: string,
    f: { stage?: string; state?: string; offset?: number; limit?: number } = {},
  ): { total: number; tasks: TaskRow[] } {
    const where = ['job_id = ?'];
    const args: unknown[] = [jobId];
    for (const [col, v] of [
      ['stage', f.stage],
      ['state', f.state],
    ] as const) {
      if (!v) continue;
      where.push(`${col} = ?`);
      args.push(v);
    }
    const w = where.join(' AND ');
    const total = (
      this.sql.q(`SELECT COUNT(*) AS n FROM tasks WHERE ${w}`).get(...args) as {
        n: number;
      }
    ).n;
    const rows = this.sql
      .q(`SELECT * FROM tasks WHERE ${w} ORDER BY stage DESC, seq LIMIT ? OFFSET ?`)
      .all(...args, f.limit ?? 100000, f.offset ?? 0) as Row[];
    return { total, tasks: rows.map(toTask) };
  }

  /**
   * Counts by state for a stage (or every stage), in tasks and in frames (a chunk of 4 frames
   * counts 4); counted again only after the job's tasks changed. A count taken inside a
   * transaction is not kept: the transaction may yet be rolled back.
   */
  progress(jobId: string, stage?: string): { tasks: Progress; frames: Progress } {
    const key = `${jobId}/${stage ?? '*'}`;
    const change = this.changes.get(jobId) ?? 0;
    const kept = this.counted.get(key);
    if (kept && kept.change === change && !this.sql.inTransaction) return copy(kept.value);
    const value = this.count(jobId, stage);
    if (!this.sql.inTransaction) this.counted.set(key, { change, value: copy(value) });
    return value;
  }

  private count(jobId: string, stage?: string): { tasks: Progress; frames: Progress } {
    const rows = this.sql
      .q(
        `SELECT state, COUNT(*) AS n, SUM(json_array_length(frames)) AS f FROM tasks WHERE job_id = ? AND (? IS NULL OR stage = ?) GROUP BY state`,
      )
      .all(jobId, stage ?? null, stage ?? null) as { state: string; n: number; f: number | null }[];
    const empty = (): Progress => ({ total: 0, done: 0, failed: 0, leased: 0, queued: 0 });
    const tasks = empty();
    const frames = empty();
    for (const r of rows) {
      const key = r.state === 'cancelled' ? 'failed' : (r.state as keyof Progress);
      tasks.total += r.n;
      frames.total += r.f ?? 0;
      if (key in tasks) {
        tasks[key] += r.n;
        frames[key] += r.f ?? 0;
      }
    }
    return { tasks, frames };
  }

  /** Queues finished tasks (failed, cancelled or done) again with fresh attempts. Returns how many. */
  reopen(jobId: string, taskIds: number[]): number {
    this.changed(jobId);
    return this.sql.transaction(() => {
      let n = 0;
      for (const id of taskIds) {
        n += this.sql
          .q(
            `UPDATE tasks SET state = 'queued', attempts = 0, excluded_agents = '[]', error = NULL, error_tail = NULL, finished_at = NULL,
               agent_id = NULL, lease_attempt = NULL, result = NULL WHERE id = ? AND job_id = ? AND state IN ('failed', 'cancelled', 'done')`,
          )
          .run(id, jobId).changes;
      }
      return n;
    });
  }

  /** Cancels every task of a job still queued or leased. */
  cancelOpen(jobId: string, now: number): void {
    this.changed(jobId);
    this.sql
      .q(
        `UPDATE tasks SET state = 'cancelled', finished_at = ?, lease_expires = NULL WHERE job_id = ? AND state IN ('queued', 'leased')`,
      )
      .run(now, jobId);
  }

  attempts(taskId: number): Row[] {
    return this.sql
      .q('SELECT * FROM attempts WHERE task_id = ? ORDER BY started_at')
      .all(taskId) as Row[];
  }

  /**
   * A job's finished tasks within `windowMs` before its last completion, each with its frames:
   * what the rate formula reads (view/rate.ts), bounded however long the job's history is.
   * `framed` counts only tasks that carry frames.
   */
  recentCompletions(
    jobId: string,
    windowMs: number,
    framed = false,
  ): { finishedAt: number; startedAt: number; frames: number }[] {
    const f = framed ? 1 : 0;
    return (
      this.sql
        .q(
          `SELECT finished_at AS f, started_at AS s, json_array_length(frames) AS n FROM tasks
           WHERE job_id = ? AND state = 'done' AND (? = 0 OR json_array_length(frames) > 0)
             AND finished_at >= (SELECT MAX(finished_at) FROM tasks WHERE job_id = ?
               AND state = 'done' AND (? = 0 OR json_array_length(frames) > 0)) - ?`,
        )
        .all(jobId, f, jobId, f, windowMs) as { f: number; s: number; n: number }[]
    ).map((r) => ({ finishedAt: r.f, startedAt: r.s, frames: r.n }));
  }

  /**
   * Totals over a job's tasks finished at or after `since` (rates and estimates): how many, their
   * frames, their seconds from start to finish, and the earliest start. `framed` counts only
   * tasks that carry frames. One aggregate: a long job has too many rows to hand over.
   */
  completions(
    jobId: string,
    since: number,
    framed = false,
  ): { tasks: number; frames: number; seconds: number; firstStartedAt: number | null } {
    const r = this.sql
      .q(
        `SELECT COUNT(*) AS n, COALESCE(SUM(json_array_length(frames)), 0) AS f,
           COALESCE(SUM(finished_at - started_at), 0) AS ms, MIN(started_at) AS first
         FROM tasks WHERE job_id = ? AND state = 'done' AND finished_at >= ?
           AND (? = 0 OR json_array_length(frames) > 0)`,
      )
      .get(jobId, since, framed ? 1 : 0) as {
      n: number;
      f: number;
      ms: number;
      first: number | null;
    };
    return { tasks: r.n, frames: r.f, seconds: r.ms / 1000, firstStartedAt: r.first };
  }
}
