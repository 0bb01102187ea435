import { toJob } from '../rows.js';
import { setClause, type Row, type Sql } from '../sql.js';
import type { JobRow } from '../types.js';

/** Fields of a job that change after it is written. */
export type JobPatch = Partial<
  Pick<
    JobRow,
    | 'state'
    | 'error'
    | 'finishedAt'
    | 'video'
    | 'nodesWanted'
    | 'auto'
    | 'priority'
    | 'suspendedAt'
    | 'suspendedMs'
  >
>;

/** The `jobs` table. */
export class JobsTable {
  constructor(private readonly sql: Sql) {}

  nextSeq(): number {
    return (this.sql.q('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM jobs').get() as { n: number }).n;
  }

  insert(job: JobRow): void {
    this.sql
      .q(
        `INSERT INTO jobs (id, seq, kind, name, state, spec, dir, output_dir, agent_token, nodes_wanted, gpus_per_node, auto, priority, owner, video, error, created_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        job.id,
        job.seq,
        job.kind,
        job.name,
        job.state,
        JSON.stringify(job.spec),
        job.dir,
        job.outputDir,
        job.agentToken,
        job.nodesWanted,
        job.gpusPerNode,
        job.auto ? JSON.stringify(job.auto) : null,
        job.priority,
        job.owner,
        job.video,
        job.error,
        job.createdAt,
        job.finishedAt,
      );
  }

  get(id: string): JobRow | undefined {
    const r = this.sql.q('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return r ? toJob(r) : undefined;
  }

  /**
   * The id and token of the job an agent token belongs to, all that every agent request reads
   * (the caller still compares the token in constant time).
   */
  tokenOwner(token: string): { id: string; agentToken: string } | undefined {
    return this.sql
      .q('SELECT id, agent_token AS agentToken FROM jobs WHERE agent_token = ?')
      .get(token) as { id: string; agentToken: string } | undefined;
  }

  /** A job's owner (null: the operator's), or undefined when there is no such job. */
  owner(id: string): string | null | undefined {
    const r = this.sql.q('SELECT owner FROM jobs WHERE id = ?').get(id) as
      { owner: string | null } | undefined;
    return r ? r.owner : undefined;
  }

  /** Every job, newest first. */
  list(): JobRow[] {
    return (this.sql.q('SELECT * FROM jobs ORDER BY seq DESC').all() as Row[]).map(toJob);
  }

  /** Jobs in one state (the loops look only at running ones). */
  inState(state: JobRow['state']): JobRow[] {
    return (
      this.sql.q('SELECT * FROM jobs WHERE state = ? ORDER BY seq DESC').all(state) as Row[]
    ).map(toJob);
  }

  update(id: string, patch: JobPatch): void {
    const { sql, args } = setClause({
      state: patch.state,
      error: patch.error,
      finished_at: patch.finishedAt,
      video: patch.video,
      nodes_wanted: patch.nodesWanted,
      priority: patch.priority,
      suspended_at: patch.suspendedAt,
      suspended_ms: patch.suspendedMs,
      auto:
        patch.auto === undefined
          ? undefined
          : patch.auto === null
            ? null
            : JSON.stringify(patch.auto),
    });
    if (sql) this.sql.q(`UPDATE jobs SET ${sql} WHERE id = ?`).run(...args, id);
  }
}
