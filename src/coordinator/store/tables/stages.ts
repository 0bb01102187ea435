import type { Row, Sql } from '../sql.js';
import type { LeaseOrder, StageRow } from '../types.js';

/** The `stages` table: a job's stages in order. */
export class StagesTable {
  constructor(private readonly sql: Sql) {}

  insert(jobId: string, stages: Omit<StageRow, 'jobId'>[]): void {
    const ins = this.sql.q(
      'INSERT INTO stages (job_id, name, seq, state, lease_order) VALUES (?, ?, ?, ?, ?)',
    );
    for (const s of stages)
      ins.run(jobId, s.name, s.seq, s.state, s.leaseOrder ? JSON.stringify(s.leaseOrder) : null);
  }

  list(jobId: string): StageRow[] {
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
    this.sql.q('UPDATE stages SET state = ? WHERE job_id = ? AND name = ?').run(state, jobId, name);
  }
}
