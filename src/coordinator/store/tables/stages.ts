import type { Row, Sql } from '../sql.js';
import type { LeaseOrder, StageRow } from '../types.js';

/**
 * The `stages` table: a job's stages in order. Every lease decision reads them and they change a
 * few times a job, so they are kept in memory, dropped on each write. What a transaction reads
 * after writing a job's stages is not kept: that transaction may yet be rolled back.
 */
export class StagesTable {
  private readonly kept = new Map<string, StageRow[]>();
  /** Jobs whose stages the open transaction wrote, by that transaction's epoch. */
  private readonly writtenIn = new Map<string, number>();

  constructor(private readonly sql: Sql) {}

  private written(jobId: string): void {
    this.kept.delete(jobId);
    if (this.sql.inTransaction) this.writtenIn.set(jobId, this.sql.transactionEpoch);
  }

  /** Whether a transaction still open wrote this job's stages. */
  private uncommitted(jobId: string): boolean {
    const epoch = this.writtenIn.get(jobId);
    if (epoch === undefined) return false;
    if (this.sql.inTransaction && epoch === this.sql.transactionEpoch) return true;
    this.writtenIn.delete(jobId);
    return false;
  }

  insert(jobId: string, stages: Omit<StageRow, 'jobId'>[]): void {
    this.written(jobId);
    const ins = this.sql.q(
      'INSERT INTO stages (job_id, name, seq, state, lease_order) VALUES (?, ?, ?, ?, ?)',
    );
    for (const s of stages)
      ins.run(jobId, s.name, s.seq, s.state, s.leaseOrder ? JSON.stringify(s.leaseOrder) : null);
  }

  list(jobId: string): StageRow[] {
    let rows = this.kept.get(jobId);
    if (!rows) {
      rows = this.read(jobId);
      if (!this.uncommitted(jobId)) this.kept.set(jobId, rows);
    }
    return rows.map((r) => ({ ...r }));
  }

  private read(jobId: string): StageRow[] {
    return (
      this.sql.q('SELECT * FROM stages WHERE job_id = ? ORDER BY seq').all(jobId) as Row[]
    ).map((r) => ({
      jobId: r.job_id as string,
      name: r.name as string,
      seq: r.seq as number,
      state: r.state as StageRow['state'],
      ...(typeof r.lease_order === 'string'
        ? { leaseOrder: JSON.parse(r.lease_order) as LeaseOrder }
        : {}),
    }));
  }

  setState(jobId: string, name: string, state: StageRow['state']): void {
    this.written(jobId);
    this.sql.q('UPDATE stages SET state = ? WHERE job_id = ? AND name = ?').run(state, jobId, name);
  }
}
