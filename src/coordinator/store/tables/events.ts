import { toEvent } from '../rows.js';
import type { Row, Sql } from '../sql.js';
import type { EventRow, NewEvent } from '../types.js';

/** The `events` table: each job's history. */
export class EventsTable {
  constructor(private readonly sql: Sql) {}

  add(e: NewEvent): EventRow {
    const r = this.sql
      .q(
        'INSERT INTO events (job_id, at, type, actor, message, data, level) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(e.jobId, e.at, e.type, e.actor, e.message, JSON.stringify(e.data), e.level);
    return { ...e, id: Number(r.lastInsertRowid) };
  }

  /** The last `limit` events of a job, oldest first. */
  list(jobId: string, limit = 200): EventRow[] {
    return (
      this.sql
        .q('SELECT * FROM events WHERE job_id = ? ORDER BY id DESC LIMIT ?')
        .all(jobId, limit) as Row[]
    )
      .map(toEvent)
      .reverse();
  }

  /** Every event of a type for a job, oldest first. */
  ofType<K extends EventRow['type']>(jobId: string, type: K): Extract<EventRow, { type: K }>[] {
    return (
      this.sql
        .q('SELECT * FROM events WHERE job_id = ? AND type = ? ORDER BY id')
        .all(jobId, type) as Row[]
    ).map((r) => toEvent(r) as Extract<EventRow, { type: K }>);
  }

  /** The newest event of a type for a job, if any. */
  latest<K extends EventRow['type']>(
    jobId: string,
    type: K,
  ): Extract<EventRow, { type: K }> | undefined {
    const r = this.sql
      .q('SELECT * FROM events WHERE job_id = ? AND type = ? ORDER BY id DESC LIMIT 1')
      .get(jobId, type) as Row | undefined;
    return r ? (toEvent(r) as Extract<EventRow, { type: K }>) : undefined;
  }
}
