import { toAgent } from '../rows.js';
import type { Row, Sql } from '../sql.js';
import type { AgentRow } from '../types.js';

/** The `agents` table: one row per agent process that registered. */
export class AgentsTable {
  constructor(private readonly sql: Sql) {}

  insert(a: AgentRow): void {
    this.sql
      .q(
        `INSERT INTO agents (id, job_id, node, gpu, slurm_job_id, state, failures, pid, registered_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        a.id,
        a.jobId,
        a.node,
        a.gpu,
        a.slurmJobId,
        a.state,
        a.failures,
        a.pid,
        a.registeredAt,
        a.lastSeen,
      );
  }

  get(id: string): AgentRow | undefined {
    const r = this.sql.q('SELECT * FROM agents WHERE id = ?').get(id) as Row | undefined;
    return r ? toAgent(r) : undefined;
  }

  /** A job's agents, by node and GPU. */
  list(jobId: string): AgentRow[] {
    return (
      this.sql
        .q('SELECT * FROM agents WHERE job_id = ? ORDER BY node, gpu, registered_at')
        .all(jobId) as Row[]
    ).map(toAgent);
  }

  /** How many agents ever registered for a job. */
  count(jobId: string): number {
    return (
      this.sql.q('SELECT COUNT(*) AS n FROM agents WHERE job_id = ?').get(jobId) as { n: number }
    ).n;
  }

  /** The agents that registered for one GPU of one node in one Slurm job. */
  onGpu(jobId: string, node: string, gpu: string, slurmJobId: number): AgentRow[] {
    return (
      this.sql
        .q(
          'SELECT * FROM agents WHERE job_id = ? AND node = ? AND gpu = ? AND slurm_job_id = ? ORDER BY registered_at',
        )
        .all(jobId, node, gpu, slurmJobId) as Row[]
    ).map(toAgent);
  }

  /** Agents still expected to call (active or draining, of every job) not heard from since `before`. */
  silentSince(before: number): AgentRow[] {
    return (
      this.sql
        .q(`SELECT * FROM agents WHERE state IN ('active', 'draining') AND last_seen < ?`)
        .all(before) as Row[]
    ).map(toAgent);
  }

  update(id: string, patch: Partial<Pick<AgentRow, 'state' | 'failures' | 'lastSeen'>>): void {
    if (patch.state !== undefined)
      this.sql.q('UPDATE agents SET state = ? WHERE id = ?').run(patch.state, id);
    if (patch.failures !== undefined)
      this.sql.q('UPDATE agents SET failures = ? WHERE id = ?').run(patch.failures, id);
    if (patch.lastSeen !== undefined)
      this.sql.q('UPDATE agents SET last_seen = ? WHERE id = ?').run(patch.lastSeen, id);
  }

  /** Marks every live agent heard from now (after the coordinator itself was away). */
  touchLive(now: number): void {
    this.sql.q(`UPDATE agents SET last_seen = ? WHERE state IN ('active', 'draining')`).run(now);
  }
}
