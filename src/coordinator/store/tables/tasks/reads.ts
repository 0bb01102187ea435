import { toTask } from '../../rows.js';
import type { Row, Sql } from '../../sql.js';
import type { TaskRow } from '../../types.js';
import { FAILED_BY } from './failures.js';

/**
 * How many times a task was leased, requeues and all: its rows in `attempts` (a key lookup).
 * The `attempts` column counts only the failures toward its limit, and a requeue sets it to 0.
 */
const TRIES = `(SELECT COUNT(*) FROM attempts a WHERE a.task_id = tasks.id) AS tries`;

/** The columns of a whole task row, as `toTask` reads them. */
export const TASK_ROW = `tasks.*, ${FAILED_BY}, ${TRIES}`;

/** Tasks and attempts as the views, the rates and the lease decision read them. */
export class TaskReads {
  constructor(private readonly sql: Sql) {}

  get(id: number): TaskRow | undefined {
    const r = this.sql.q(`SELECT ${TASK_ROW} FROM tasks WHERE id = ?`).get(id) as Row | undefined;
    return r ? toTask(r) : undefined;
  }

  /** The first task of a stage still to be done (queued or leased), in order. */
  firstOpen(jobId: string, stage: string): TaskRow | undefined {
    const r = this.sql
      .q(
        `SELECT ${TASK_ROW} FROM tasks WHERE job_id = ? AND stage = ? AND state IN ('queued', 'leased') ORDER BY seq LIMIT 1`,
      )
      .get(jobId, stage) as Row | undefined;
    return r ? toTask(r) : undefined;
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
      .q(`SELECT ${TASK_ROW} FROM tasks WHERE ${w} ORDER BY stage DESC, seq LIMIT ? OFFSET ?`)
      .all(...args, f.limit ?? 100000, f.offset ?? 0) as Row[];
    return { total, tasks: rows.map(toTask) };
  }

  attempts(taskId: number): Row[] {
    return this.sql
      .q('SELECT * FROM attempts WHERE task_id = ? ORDER BY started_at')
      .all(taskId) as Row[];
  }

  /** The attempts of a job's tasks that ran more than once, by task then start. */
  repeatedAttempts(jobId: string): Row[] {
    return this.sql
      .q(
        `SELECT attempts.* FROM attempts WHERE task_id IN (
           SELECT task_id FROM attempts JOIN tasks ON tasks.id = attempts.task_id
           WHERE tasks.job_id = ? GROUP BY task_id HAVING COUNT(*) > 1)
         ORDER BY task_id, started_at`,
      )
      .all(jobId) as Row[];
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
