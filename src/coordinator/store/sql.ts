import type Database from 'better-sqlite3';

/** A database handle with a prepared-statement cache; the tables share one. */
export class Sql {
  private readonly stmts = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /** A cached prepared statement: each distinct SQL text is compiled once. */
  q(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** Whether a transaction is open (what is read now may yet be rolled back). */
  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /** How many outermost transactions have ended, committed or not. */
  private ended = 0;

  /** Names the transaction open now (or the next one): it changes when one ends. */
  get transactionEpoch(): number {
    return this.ended;
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    const outermost = !this.db.inTransaction;
    try {
      return this.db.transaction(fn)();
    } finally {
      if (outermost) this.ended += 1;
    }
  }
}

export type Row = Record<string, unknown>;

/** `SET a = ?, b = ?` for the columns of `patch` that are defined, in a fixed order. */
export function setClause(cols: Record<string, unknown>): { sql: string; args: unknown[] } {
  const set = Object.entries(cols).filter(([, v]) => v !== undefined);
  return { sql: set.map(([k]) => `${k} = ?`).join(', '), args: set.map(([, v]) => v) };
}
