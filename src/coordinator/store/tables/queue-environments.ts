import type { Sql } from '../sql.js';

/** A queue environment as stored: its name, where it was read, its document (JSON), its directory. */
export interface QueueEnvironmentRow {
  name: string;
  source: string;
  doc: unknown;
  dir: string | null;
  addedAt: number;
}

interface Raw {
  name: string;
  source: string;
  doc: string;
  dir: string | null;
  added_at: number;
}

/** OpenJD environment templates kept for every OpenJD job (see coordinator/queue-environments.ts). */
export class QueueEnvironmentsTable {
  constructor(private readonly sql: Sql) {}

  /** Every queue environment, outermost (first added) first. */
  list(): QueueEnvironmentRow[] {
    return (
      this.sql
        .q('SELECT name, source, doc, dir, added_at FROM queue_environments ORDER BY seq')
        .all() as Raw[]
    ).map((r) => ({
      name: r.name,
      source: r.source,
      doc: JSON.parse(r.doc) as unknown,
      dir: r.dir,
      addedAt: r.added_at,
    }));
  }

  /** Adds one; false when one of that name is kept already. */
  add(row: QueueEnvironmentRow): boolean {
    // integers beyond a JavaScript number's range are kept as their text (an intstring)
    const doc = JSON.stringify(row.doc, (_k, v: unknown) =>
      typeof v === 'bigint' ? String(v) : v,
    );
    return (
      this.sql
        .q(
          `INSERT INTO queue_environments (name, source, doc, dir, added_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (name) DO NOTHING`,
        )
        .run(row.name, row.source, doc, row.dir, row.addedAt).changes === 1
    );
  }

  /** Removes one by name; false when there was none. */
  remove(name: string): boolean {
    return this.sql.q('DELETE FROM queue_environments WHERE name = ?').run(name).changes === 1;
  }
}
