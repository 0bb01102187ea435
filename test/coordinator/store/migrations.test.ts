import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/coordinator/store/migrations.js';
import { SCHEMA_V1 } from '../../../src/coordinator/store/schema.js';
import { SqliteStore } from '../../../src/coordinator/store/sqlite-store.js';

const dir = () => mkdtempSync(path.join(os.tmpdir(), 'ct-migrate-'));

/** A database as version 1 of the coordinator left it, with one task leased by an agent. */
function versionOneDatabase(file: string): void {
  const db = new Database(file);
  db.exec(SCHEMA_V1);
  db.pragma('user_version = 1');
  db.prepare(
    `INSERT INTO jobs (id, seq, kind, name, state, spec, dir, output_dir, agent_token, nodes_wanted, gpus_per_node, created_at)
     VALUES ('j1', 1, 'command', 'old', 'running', '{}', '/d', '/d/output', 'tok', 1, 1, 1)`,
  ).run();
  db.prepare(
    `INSERT INTO tasks (job_id, stage, seq, kind, payload, state, attempts, agent_id, node, gpu, lease_expires)
     VALUES ('j1', 'main', 0, 'command', '{}', 'leased', 0, 'j1.node1.gpu0.1', 'node1', '0', 99999999999999)`,
  ).run();
  // Queued tasks written out of order: they are still leased by seq.
  for (const seq of [2, 1])
    db.prepare(
      `INSERT INTO tasks (job_id, stage, seq, kind, payload, state) VALUES ('j1', 'main', ?, 'command', '{}', 'queued')`,
    ).run(seq);
  db.close();
}

/**
 * A database as version 4 left it, the agents that failed each task kept as JSON in its row: seq
 * 0 failed by a1 and a2 (not again before 100), seq 1 by a1, seq 2 by nobody.
 */
function versionFourDatabase(file: string): void {
  const db = new Database(file);
  for (const m of MIGRATIONS.filter((m) => m.version <= 4)) db.exec(m.sql);
  db.pragma('user_version = 4');
  db.prepare(
    `INSERT INTO jobs (id, seq, kind, name, state, spec, dir, output_dir, agent_token, nodes_wanted, gpus_per_node, created_at)
     VALUES ('j1', 1, 'command', 'old', 'running', '{}', '/d', '/d/output', 'tok', 1, 1, 1)`,
  ).run();
  const task = db.prepare(
    `INSERT INTO tasks (job_id, stage, seq, kind, payload, state, attempts, excluded_agents, not_before)
     VALUES ('j1', 'main', ?, 'command', '{}', 'queued', ?, ?, ?)`,
  );
  task.run(0, 2, '["a1","a2"]', 100);
  task.run(1, 1, '["a1"]', null);
  task.run(2, 0, '[]', null);
  db.close();
}

/** A version-1 database holding one job's history, events as `[type, message, data]`. */
function versionOneHistory(
  file: string,
  events: [string, string, Record<string, unknown>?][],
): void {
  const db = new Database(file);
  db.exec(SCHEMA_V1);
  db.pragma('user_version = 1');
  const add = db.prepare(
    `INSERT INTO events (job_id, at, type, actor, message, data) VALUES ('j1', ?, ?, 'coordinator', ?, ?)`,
  );
  events.forEach(([type, message, data = {}], i) =>
    add.run((i + 1) * 1000, type, message, JSON.stringify(data)),
  );
  db.close();
}

/** The history as the store reads it back once brought forward. */
function migratedHistory(events: [string, string, Record<string, unknown>?][]) {
  const file = path.join(dir(), 'coordinator.db');
  versionOneHistory(file, events);
  const store = new SqliteStore(file);
  const history = store.events.list('j1');
  store.close();
  return history;
}

describe('the store schema', () => {
  it('moves the agents that failed a task out of its JSON column into task_failures', () => {
    const file = path.join(dir(), 'coordinator.db');
    versionFourDatabase(file);
    const store = new SqliteStore(file);
    const tasks = store.tasks.list('j1').tasks;
    expect(tasks.map((t) => [t.seq, t.excludedAgents])).toEqual([
      [0, ['a1', 'a2']],
      [1, ['a1']],
      [2, []],
    ]);
    const [t0, t1] = tasks;
    expect(store.tasks.strandedFor('j1', 'main', ['a1']).map((t) => t.id)).toEqual([
      t0!.id,
      t1!.id,
    ]);
    expect(store.tasks.strandedFor('j1', 'main', ['a1', 'a2'])).toEqual([
      { id: t0!.id, notBefore: 100 },
    ]);
    const agent = (id: string) => ({ id, node: 'node1', gpu: '0' });
    const next = (id: string, now: number, allowExcluded = false) =>
      store.tasks.leaseNext('j1', 'main', agent(id), now, 1000, allowExcluded)?.seq ?? null;
    // a1 is leased only what it has not failed, until it may take a failed task whose pause is over.
    expect([next('a1', 50), next('a1', 50)]).toEqual([2, null]);
    expect([next('a1', 50, true), next('a1', 50, true), next('a1', 100, true)]).toEqual([
      1,
      null,
      0,
    ]);
    store.close();
    const db = new Database(file);
    const columns = (db.pragma('table_info(tasks)') as { name: string }[]).map((c) => c.name);
    expect(columns).not.toContain('excluded_agents');
    expect(db.prepare('SELECT COUNT(*) AS n FROM task_failures').get()).toEqual({ n: 3 });
    db.close();
  });

  it('brings a version-1 database forward, keeping its jobs and the leases in flight', () => {
    const file = path.join(dir(), 'coordinator.db');
    versionOneDatabase(file);
    const store = new SqliteStore(file);
    expect(store.jobs.get(store.jobs.tokenOwner('tok')?.id ?? '')?.name).toBe('old');
    const task = store.tasks.list('j1', { state: 'leased' }).tasks[0]!;
    const holder = { id: 'j1.node1.gpu0.1', node: 'node1', gpu: '0' };
    expect(store.tasks.complete(task.id, holder, { ok: 1 }, 5)).toBe(true);
    const next = () => store.tasks.leaseNext('j1', 'main', holder, 6, 1000)?.seq;
    expect([next(), next()]).toEqual([1, 2]);
    store.close();
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThan(1);
    db.close();
  });

  it('refuses a database written by a newer cluster-tool, saying what to do', () => {
    const file = path.join(dir(), 'coordinator.db');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new SqliteStore(file)).toThrow(/newer than this cluster-tool.*upgrade/);
  });

  it('keeps the database and its WAL readable by the owner only', () => {
    const file = path.join(dir(), 'coordinator.db');
    const store = new SqliteStore(file);
    store.jobs.nextSeq();
    for (const f of [file, `${file}-wal`]) expect(statSync(f).mode & 0o777).toBe(0o600);
    store.close();
  });

  it('folds routine history and calls an allocation the coordinator released released, not cancelled', () => {
    const levels = migratedHistory([
      ['agent:registered', 'agent on node1 GPU 0 (Slurm job 7)'],
      ['allocation:shrunk', 'Slurm job 8 cancelled (no node left)', { slurmJobId: 8 }],
      ['allocation:ended', 'Slurm job 8 ended (CANCELLED)', { slurmJobId: 8 }],
      ['allocation:ended', 'Slurm job 9 ended (NODE_FAIL)', { slurmJobId: 9 }],
      ['task:failed', 'task 3 failed', { final: false }],
      ['job:succeeded', 'job succeeded'],
      ['allocation:ended', 'Slurm job 7 ended (CANCELLED)', { slurmJobId: 7 }],
      ['agent:gone', 'agent j1.node1.gpu0.1 gone (silent for 21 s)'],
    ]);
    expect(levels.map((x) => x.level)).toEqual([
      'detail',
      'info',
      'detail',
      'warning',
      'warning',
      'info',
      'detail',
      'detail',
    ]);
    expect(levels[2]?.message).toBe('Slurm job 8 released (Slurm reports it CANCELLED)');
    expect(levels[6]?.message).toBe('Slurm job 7 released (Slurm reports it CANCELLED)');
    expect(levels[3]?.message).toBe('Slurm job 9 ended (NODE_FAIL)');
  });

  it('gives events recorded before levels were stored the levels the history view gave them', () => {
    const history = migratedHistory([
      ['job:submitted', 'blender scene.blend frames 1-4', { tasks: 4 }],
      ['job:warning', 'no GPU named'],
      ['allocation:ended', 'Slurm job 7 ended (COMPLETED)', { slurmJobId: 7 }],
      ['agent:gone', 'agent j1.node1.gpu0.1 gone (its allocation ended)', { agentId: 'a' }],
      ['task:retried-here', 'task 2 retried on the same agent', { taskId: 2 }],
      ['task:failed', 'task 3 failed for good', { final: true }],
      ['task:requeued', 'task 4 lease expired', { taskId: 4 }],
      ['job:failed', 'a task failed'],
      ['agent:gone', 'agent j1.node2.gpu0.2 gone (silent for 21 s)'],
      ['job:retried', '1 task(s) queued again', { tasks: 1 }],
      ['allocation:ended', 'Slurm job 10 ended (CANCELLED)', { slurmJobId: 10 }],
      ['agent:gone', 'agent j1.node3.gpu0.3 gone (silent for 21 s)'],
      ['scale:shrink', 'cancelled pending Slurm job 11', { slurmJobId: 11 }],
      ['allocation:ended', 'Slurm job 11 ended (CANCELLED by 1000)', { slurmJobId: 11 }],
      ['agent:blocked', 'agent blocklisted after 3 failures', { agentId: 'b' }],
      ['scale:error', 'autoscaling could not act: no'],
      ['job:paused', 'outputs unwritable', { taskId: 5, pauseMs: 1000 }],
    ]);
    expect(history.map((e) => [e.type, e.level])).toEqual([
      ['job:submitted', 'info'],
      ['job:warning', 'warning'],
      ['allocation:ended', 'detail'],
      ['agent:gone', 'detail'],
      ['task:retried-here', 'detail'],
      ['task:failed', 'error'],
      ['task:requeued', 'warning'],
      ['job:failed', 'error'],
      ['agent:gone', 'detail'],
      ['job:retried', 'info'],
      ['allocation:ended', 'warning'],
      ['agent:gone', 'warning'],
      ['scale:shrink', 'info'],
      ['allocation:ended', 'detail'],
      ['agent:blocked', 'warning'],
      ['scale:error', 'error'],
      ['job:paused', 'warning'],
    ]);
    expect(history[2]?.message).toBe('Slurm job 7 ended (COMPLETED)');
    expect(history[10]?.message).toBe('Slurm job 10 ended (CANCELLED)');
    expect(history[13]?.message).toBe('Slurm job 11 released (Slurm reports it CANCELLED)');
  });
});
