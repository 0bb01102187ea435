import type { Sql } from '../sql.js';

/** A job's end to be told to a URL, and how its delivery went so far. */
export interface NoticeRow {
  id: number;
  jobId: string;
  url: string;
  body: string;
  tries: number;
}

/**
 * The `job_notify` and `notices` tables: the URLs a job's end is told to (written with the job),
 * and the outbox of messages (written when the job ends, kept until delivered or given up), so
 * a delivery survives a coordinator restart between the end and the send.
 */
export class NoticesTable {
  constructor(private readonly sql: Sql) {}

  /** The URLs a job's end goes to (at submission, in the job's transaction). */
  subscribe(jobId: string, urls: readonly string[]): void {
    const add = this.sql.q('INSERT OR IGNORE INTO job_notify (job_id, url) VALUES (?, ?)');
    for (const url of urls) add.run(jobId, url);
  }

  /** Queues `body` to each of the job's URLs, due now; how many. */
  queue(jobId: string, body: string, now: number): number {
    return this.sql
      .q(
        `INSERT INTO notices (job_id, url, body, due_at, created_at)
           SELECT job_id, url, ?, ?, ? FROM job_notify WHERE job_id = ?`,
      )
      .run(body, now, now, jobId).changes;
  }

  /** Messages due by `now`, oldest first. */
  due(now: number, limit: number): NoticeRow[] {
    return this.sql
      .q(
        `SELECT id, job_id AS jobId, url, body, tries FROM notices
           WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, id LIMIT ?`,
      )
      .all(now, limit) as NoticeRow[];
  }

  delivered(id: number, now: number): void {
    this.sql
      .q('UPDATE notices SET due_at = NULL, delivered_at = ?, tries = tries + 1 WHERE id = ?')
      .run(now, id);
  }

  /** A failed try: due again at `dueAt`, or never (null: given up). */
  failed(id: number, error: string, dueAt: number | null): void {
    this.sql
      .q('UPDATE notices SET due_at = ?, tries = tries + 1, last_error = ? WHERE id = ?')
      .run(dueAt, error.slice(0, 500), id);
  }

  /** Messages waiting to be delivered (queued, not given up). */
  pending(): number {
    return (
      this.sql.q('SELECT COUNT(*) AS n FROM notices WHERE due_at IS NOT NULL').get() as {
        n: number;
      }
    ).n;
  }
}
