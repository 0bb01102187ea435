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
});
