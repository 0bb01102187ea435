import Database from 'better-sqlite3';
import type { Progress } from '../api-types.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';
import { toAgent, toAllocation, toEvent, toJob, toTask } from './rows.js';
import type {
  AgentRow,
  AllocationRow,
  EventRow,
  JobRow,
  NewTask,
  StageRow,
  TaskRow,
} from './types.js';

type Row = Record<string, unknown>;

/** Durable coordinator state in one SQLite file (WAL). One process owns it. */
export class SqliteStore {
  readonly db: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();

  /** `synchronous`: NORMAL survives a killed process (the WAL is on disk); FULL also a power cut. */
  constructor(file: string, opts: { synchronous?: 'NORMAL' | 'FULL' } = {}) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }

  close(): void {
    this.db.close();
  }

  private q(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---- jobs ----

  nextJobSeq(): number {
    const r = this.q('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM jobs').get() as { n: number };
    return r.n;
  }

  insertJob(job: JobRow, stages: Omit<StageRow, 'jobId'>[], tasks: NewTask[]): void {
    this.transaction(() => {
      this.q(
        `INSERT INTO jobs (id, seq, kind, name, state, spec, dir, output_dir, agent_token, nodes_wanted, gpus_per_node, auto, video, error, created_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
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
        job.video,
        job.error,
        job.createdAt,
        job.finishedAt,
      );
      for (const s of stages)
        this.q('INSERT INTO stages (job_id, name, seq, state) VALUES (?, ?, ?, ?)').run(
          job.id,
          s.name,
          s.seq,
          s.state,
        );
      this.insertTasks(job.id, tasks);
    });
  }

  insertTasks(jobId: string, tasks: NewTask[]): void {
    const ins = this.q(
      `INSERT INTO tasks (job_id, stage, seq, kind, payload, frames, state) VALUES (?, ?, ?, ?, ?, ?, 'queued')`,
    );
    for (const t of tasks)
      ins.run(jobId, t.stage, t.seq, t.kind, JSON.stringify(t.payload), JSON.stringify(t.frames));
  }

  getJob(id: string): JobRow | undefined {
    const r = this.q('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return r ? toJob(r) : undefined;
  }

  /** The job an agent token belongs to (the caller still compares the token in constant time). */
  jobByAgentToken(token: string): JobRow | undefined {
    const r = this.q('SELECT * FROM jobs WHERE agent_token = ?').get(token) as Row | undefined;
    return r ? toJob(r) : undefined;
  }

  listJobs(): JobRow[] {
    return (this.q('SELECT * FROM jobs ORDER BY seq DESC').all() as Row[]).map(toJob);
  }

  updateJob(
    id: string,
    patch: Partial<
      Pick<JobRow, 'state' | 'error' | 'finishedAt' | 'video' | 'nodesWanted' | 'auto'>
    >,
  ): void {
    const cols: Record<string, unknown> = {
      state: patch.state,
      error: patch.error,
      finished_at: patch.finishedAt,
      video: patch.video,
      nodes_wanted: patch.nodesWanted,
      auto:
        patch.auto === undefined
          ? undefined
          : patch.auto === null
            ? null
            : JSON.stringify(patch.auto),
    };
    const set = Object.entries(cols).filter(([, v]) => v !== undefined);
    if (!set.length) return;
    this.db
      .prepare(`UPDATE jobs SET ${set.map(([k]) => `${k} = ?`).join(', ')} WHERE id = ?`)
      .run(...set.map(([, v]) => v), id);
  }

  // ---- stages ----

  stages(jobId: string): StageRow[] {
    return (this.q('SELECT * FROM stages WHERE job_id = ? ORDER BY seq').all(jobId) as Row[]).map(
      (r) => ({
        jobId: r.job_id as string,
        name: r.name as string,
        seq: r.seq as number,
        state: r.state as StageRow['state'],
      }),
    );
  }

  setStageState(jobId: string, name: string, state: StageRow['state']): void {
    this.q('UPDATE stages SET state = ? WHERE job_id = ? AND name = ?').run(state, jobId, name);
  }

  // ---- tasks ----

  getTask(id: number): TaskRow | undefined {
    const r = this.q('SELECT * FROM tasks WHERE id = ?').get(id) as Row | undefined;
    return r ? toTask(r) : undefined;
  }

  /** Leases the next queued task of a stage that this agent has not failed before, or returns null. */
  leaseNext(
    jobId: string,
    stage: string,
    agent: { id: string; node: string; gpu: string },
    now: number,
    leaseMs: number,
  ): TaskRow | null {
    return this.transaction(() => {
      const r = this.q(
        `SELECT id, attempts FROM tasks WHERE job_id = ? AND stage = ? AND state = 'queued'
           AND instr(excluded_agents, ?) = 0 ORDER BY seq LIMIT 1`,
      ).get(jobId, stage, JSON.stringify(agent.id)) as { id: number; attempts: number } | undefined;
      if (!r) return null;
      this.q(
        `UPDATE tasks SET state = 'leased', agent_id = ?, node = ?, gpu = ?, lease_expires = ?, started_at = ? WHERE id = ?`,
      ).run(agent.id, agent.node, agent.gpu, now + leaseMs, now, r.id);
      this.q(
        'INSERT INTO attempts (task_id, attempt, agent_id, node, gpu, started_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(r.id, r.attempts + 1, agent.id, agent.node, agent.gpu, now);
      return this.getTask(r.id) ?? null;
    });
  }

  renewLease(taskId: number, agentId: string, until: number): boolean {
    return (
      this.q(
        `UPDATE tasks SET lease_expires = ? WHERE id = ? AND agent_id = ? AND state = 'leased'`,
      ).run(until, taskId, agentId).changes === 1
    );
  }

  /**
   * Marks a task done with its result. A task is done once: a second report (an agent whose lease
   * expired and whose task went to another agent) is refused, and its files are not recorded.
   */
  completeTask(
    taskId: number,
    agent: { id: string; node: string; gpu: string },
    result: Record<string, unknown>,
    now: number,
  ): boolean {
    return this.transaction(() => {
      const changed = this.q(
        `UPDATE tasks SET state = 'done', result = ?, agent_id = ?, node = ?, gpu = ?, finished_at = ?, lease_expires = NULL, error = NULL
         WHERE id = ? AND state IN ('leased', 'queued')`,
      ).run(JSON.stringify(result), agent.id, agent.node, agent.gpu, now, taskId).changes;
      this.q(
        `UPDATE attempts SET ended_at = ?, outcome = ? WHERE task_id = ? AND agent_id = ? AND ended_at IS NULL`,
      ).run(now, changed ? 'done' : 'late', taskId, agent.id);
      return changed === 1;
    });
  }

  /** Records a failed attempt; the task is queued again (for another agent) or, past `maxAttempts`, failed. */
  failTask(
    taskId: number,
    agentId: string,
    error: string,
    tail: string[],
    maxAttempts: number,
    now: number,
  ): TaskRow['state'] | null {
    return this.transaction(() => {
      const t = this.getTask(taskId);
      if (!t || t.state !== 'leased' || t.agentId !== agentId) return null;
      const attempts = t.attempts + 1;
      const state = attempts >= maxAttempts ? 'failed' : 'queued';
      const excluded = [...new Set([...t.excludedAgents, agentId])];
      this.q(
        `UPDATE tasks SET state = ?, attempts = ?, excluded_agents = ?, error = ?, error_tail = ?, lease_expires = NULL,
           finished_at = CASE WHEN ? = 'failed' THEN ? ELSE NULL END WHERE id = ?`,
      ).run(
        state,
        attempts,
        JSON.stringify(excluded),
        error,
        JSON.stringify(tail),
        state,
        now,
        taskId,
      );
      this.q(
        `UPDATE attempts SET ended_at = ?, outcome = 'failed', error = ? WHERE task_id = ? AND agent_id = ? AND ended_at IS NULL`,
      ).run(now, error, taskId, agentId);
      return state;
    });
  }

  /** Puts leased tasks back in the queue without counting an attempt (their agent vanished or was drained). */
  requeue(
    where: { expiredBefore: number } | { agentId: string } | { taskId: number },
    now: number,
  ): TaskRow[] {
    return this.transaction(() => {
      const [cond, arg] =
        'expiredBefore' in where
          ? ['lease_expires < ?', where.expiredBefore]
          : 'agentId' in where
            ? ['agent_id = ?', where.agentId]
            : ['id = ?', where.taskId];
      const rows = (
        this.db.prepare(`SELECT * FROM tasks WHERE state = 'leased' AND ${cond}`).all(arg) as Row[]
      ).map(toTask);
      for (const t of rows) {
        this.q(
          `UPDATE tasks SET state = 'queued', lease_expires = NULL WHERE id = ? AND state = 'leased'`,
        ).run(t.id);
        this.q(
          `UPDATE attempts SET ended_at = ?, outcome = 'requeued' WHERE task_id = ? AND ended_at IS NULL`,
        ).run(now, t.id);
      }
      return rows;
    });
  }

  /** Pushes every live lease out to at least `until` (after a coordinator restart, agents need a moment to reconnect). */
  extendLeases(until: number): void {
    this.q(`UPDATE tasks SET lease_expires = MAX(lease_expires, ?) WHERE state = 'leased'`).run(
      until,
    );
  }

  tasks(
    jobId: string,
    f: { stage?: string; state?: string; offset?: number; limit?: number } = {},
  ): { total: number; tasks: TaskRow[] } {
    const where = ['job_id = ?'];
    const args: unknown[] = [jobId];
    for (const [col, v] of [
      ['stage', f.stage],
      ['state', f.state],
    ] as const) {
      if (!v) continue;
      where.push(`${col} = ?`);
      args.push(v);
    }
    const w = where.join(' AND ');
    const total = (
      this.db.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE ${w}`).get(...args) as { n: number }
    ).n;
    const rows = this.db
      .prepare(`SELECT * FROM tasks WHERE ${w} ORDER BY stage DESC, seq LIMIT ? OFFSET ?`)
      .all(...args, f.limit ?? 100000, f.offset ?? 0) as Row[];
    return { total, tasks: rows.map(toTask) };
  }

  /** Counts by state for a stage, in tasks and in frames (a chunk of 4 frames counts 4). */
  progress(jobId: string, stage: string): { tasks: Progress; frames: Progress } {
    const rows = this.q(
      `SELECT state, COUNT(*) AS n, SUM(json_array_length(frames)) AS f FROM tasks WHERE job_id = ? AND stage = ? GROUP BY state`,
    ).all(jobId, stage) as { state: string; n: number; f: number | null }[];
    const empty = (): Progress => ({ total: 0, done: 0, failed: 0, leased: 0, queued: 0 });
    const tasks = empty();
    const frames = empty();
    for (const r of rows) {
      const key = r.state === 'cancelled' ? 'failed' : (r.state as keyof Progress);
      tasks.total += r.n;
      frames.total += r.f ?? 0;
      if (key in tasks) {
        tasks[key] += r.n;
        frames[key] += r.f ?? 0;
      }
    }
    return { tasks, frames };
  }

  /** Queues failed (or, with `frames`, also done) tasks again with fresh attempts. Returns how many. */
  requeueTasks(jobId: string, taskIds: number[]): number {
    return this.transaction(() => {
      let n = 0;
      for (const id of taskIds) {
        n += this.q(
          `UPDATE tasks SET state = 'queued', attempts = 0, excluded_agents = '[]', error = NULL, error_tail = NULL, finished_at = NULL,
             agent_id = NULL, result = NULL WHERE id = ? AND job_id = ? AND state IN ('failed', 'cancelled', 'done')`,
        ).run(id, jobId).changes;
      }
      return n;
    });
  }

  cancelTasks(jobId: string, now: number): void {
    this.q(
      `UPDATE tasks SET state = 'cancelled', finished_at = ?, lease_expires = NULL WHERE job_id = ? AND state IN ('queued', 'leased')`,
    ).run(now, jobId);
  }

  attempts(taskId: number): Row[] {
    return this.q('SELECT * FROM attempts WHERE task_id = ? ORDER BY started_at').all(
      taskId,
    ) as Row[];
  }

  /** Seconds spent rendering per finished task over the job so far (for rates and estimates). */
  recentCompletions(
    jobId: string,
    since: number,
  ): { finishedAt: number; startedAt: number; frames: number }[] {
    return (
      this.q(
        `SELECT finished_at AS f, started_at AS s, json_array_length(frames) AS n FROM tasks WHERE job_id = ? AND state = 'done' AND finished_at >= ?`,
      ).all(jobId, since) as { f: number; s: number; n: number }[]
    ).map((r) => ({ finishedAt: r.f, startedAt: r.s, frames: r.n }));
  }

  // ---- agents ----

  insertAgent(a: AgentRow): void {
    this.q(
      `INSERT INTO agents (id, job_id, node, gpu, slurm_job_id, state, failures, pid, registered_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
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

  getAgent(id: string): AgentRow | undefined {
    const r = this.q('SELECT * FROM agents WHERE id = ?').get(id) as Row | undefined;
    return r ? toAgent(r) : undefined;
  }

  agents(jobId: string): AgentRow[] {
    return (
      this.q('SELECT * FROM agents WHERE job_id = ? ORDER BY node, gpu, registered_at').all(
        jobId,
      ) as Row[]
    ).map(toAgent);
  }

  liveAgents(): AgentRow[] {
    return (
      this.q(`SELECT * FROM agents WHERE state IN ('active', 'draining')`).all() as Row[]
    ).map(toAgent);
  }

  updateAgent(id: string, patch: Partial<Pick<AgentRow, 'state' | 'failures' | 'lastSeen'>>): void {
    if (patch.state !== undefined)
      this.q('UPDATE agents SET state = ? WHERE id = ?').run(patch.state, id);
    if (patch.failures !== undefined)
      this.q('UPDATE agents SET failures = ? WHERE id = ?').run(patch.failures, id);
    if (patch.lastSeen !== undefined)
      this.q('UPDATE agents SET last_seen = ? WHERE id = ?').run(patch.lastSeen, id);
  }

  // ---- allocations ----

  insertAllocation(a: AllocationRow): void {
    this.q(
      `INSERT OR REPLACE INTO allocations (slurm_job_id, job_id, role, state, nodes, requested_nodes, reason, created_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
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

  allocations(jobId?: string): AllocationRow[] {
    const rows = jobId
      ? this.q('SELECT * FROM allocations WHERE job_id = ? ORDER BY created_at').all(jobId)
      : this.q('SELECT * FROM allocations ORDER BY created_at').all();
    return (rows as Row[]).map(toAllocation);
  }

  updateAllocation(
    slurmJobId: number,
    patch: Partial<
      Pick<AllocationRow, 'state' | 'nodes' | 'reason' | 'endedAt' | 'requestedNodes'>
    >,
  ): void {
    if (patch.state !== undefined)
      this.q('UPDATE allocations SET state = ? WHERE slurm_job_id = ?').run(
        patch.state,
        slurmJobId,
      );
    if (patch.nodes !== undefined)
      this.q('UPDATE allocations SET nodes = ? WHERE slurm_job_id = ?').run(
        JSON.stringify(patch.nodes),
        slurmJobId,
      );
    if (patch.reason !== undefined)
      this.q('UPDATE allocations SET reason = ? WHERE slurm_job_id = ?').run(
        patch.reason,
        slurmJobId,
      );
    if (patch.endedAt !== undefined)
      this.q('UPDATE allocations SET ended_at = ? WHERE slurm_job_id = ?').run(
        patch.endedAt,
        slurmJobId,
      );
    if (patch.requestedNodes !== undefined)
      this.q('UPDATE allocations SET requested_nodes = ? WHERE slurm_job_id = ?').run(
        patch.requestedNodes,
        slurmJobId,
      );
  }

  // ---- events ----

  addEvent(e: Omit<EventRow, 'id'>): EventRow {
    const r = this.q(
      'INSERT INTO events (job_id, at, type, actor, message, data) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(e.jobId, e.at, e.type, e.actor, e.message, JSON.stringify(e.data));
    return { ...e, id: Number(r.lastInsertRowid) };
  }

  events(jobId: string, limit = 200): EventRow[] {
    return (
      this.q('SELECT * FROM events WHERE job_id = ? ORDER BY id DESC LIMIT ?').all(
        jobId,
        limit,
      ) as Row[]
    )
      .map(toEvent)
      .reverse();
  }
}
