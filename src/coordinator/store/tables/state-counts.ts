import type { Sql } from '../sql.js';

/** The tables whose rows have a `state` column worth counting. */
export type CountedTable = 'jobs' | 'tasks' | 'agents';

/** Counts over whole tables, for `GET /metrics`: one aggregate each, when scraped. */
export class StateCounts {
  constructor(private readonly sql: Sql) {}

  /** Rows of a table by state. */
  byState(table: CountedTable): { state: string; n: number }[] {
    // `table` is typed to three names, never a caller's string.
    return this.sql
      .q(`SELECT state, COUNT(*) AS n FROM ${table} GROUP BY state ORDER BY state`)
      .all() as { state: string; n: number }[];
  }

  /** Leases ever handed out: the rows of `attempts`. */
  leases(): number {
    return (this.sql.q('SELECT COUNT(*) AS n FROM attempts').get() as { n: number }).n;
  }
}
