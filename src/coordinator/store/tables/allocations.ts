import { toAllocation } from '../rows.js';
import { setClause, type Row, type Sql } from '../sql.js';
import type { AllocationRow } from '../types.js';

/** Fields of an allocation that change as Slurm runs it. */
export type AllocationPatch = Partial<
  Pick<AllocationRow, 'state' | 'nodes' | 'reason' | 'endedAt' | 'requestedNodes'>
>;

/** The `allocations` table: the Slurm jobs behind each coordinator job. */
export class AllocationsTable {
  constructor(private readonly sql: Sql) {}

  insert(a: AllocationRow): void {
    this.sql
      .q(
        `INSERT OR REPLACE INTO allocations (slurm_job_id, job_id, role, state, nodes, requested_nodes, reason, created_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        a.slurmJobId,
        a.jobId,
        a.role,
        a.state,
        JSON.stringify(a.nodes),
        a.requestedNodes,
        a.reason,
        a.createdAt,
        a.endedAt,
      );
  }

  /** A job's allocations (or every one), oldest first. */
  list(jobId?: string): AllocationRow[] {
    const rows = jobId
      ? this.sql.q('SELECT * FROM allocations WHERE job_id = ? ORDER BY created_at').all(jobId)
      : this.sql.q('SELECT * FROM allocations ORDER BY created_at').all();
    return (rows as Row[]).map(toAllocation);
  }

  /** Every allocation not ended, of every job (what holds or waits for nodes now). */
  live(): AllocationRow[] {
    return (
      this.sql
        .q("SELECT * FROM allocations WHERE state != 'ended' ORDER BY created_at")
        .all() as Row[]
    ).map(toAllocation);
  }

  /** Notes that Slurm resized an allocation (`scontrol update NodeList=`). */
  noteResized(slurmJobId: number): void {
    this.sql
      .q('UPDATE allocations SET resizes = resizes + 1 WHERE slurm_job_id = ?')
      .run(slurmJobId);
  }

  /** The job's allocations Slurm has resized at least once. */
  resized(jobId: string): Set<number> {
    const rows = this.sql
      .q('SELECT slurm_job_id FROM allocations WHERE job_id = ? AND resizes > 0')
      .all(jobId) as { slurm_job_id: number }[];
    return new Set(rows.map((r) => r.slurm_job_id));
  }

  update(slurmJobId: number, patch: AllocationPatch): void {
    const { sql, args } = setClause({
      state: patch.state,
      nodes: patch.nodes === undefined ? undefined : JSON.stringify(patch.nodes),
      reason: patch.reason,
      ended_at: patch.endedAt,
      requested_nodes: patch.requestedNodes,
    });
    if (sql)
      this.sql.q(`UPDATE allocations SET ${sql} WHERE slurm_job_id = ?`).run(...args, slurmJobId);
  }
}
