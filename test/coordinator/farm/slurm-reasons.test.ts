import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/coordinator/store/migrations.js';
import { SqliteStore } from '../../../src/coordinator/store/sqlite-store.js';
import { parseSqueueJson } from '../../../src/slurm/json.js';

const job = (state: unknown, reason: string) => ({
  job_id: 7,
  name: 'ct-abc-j2-primary',
  job_state: state,
  state_reason: reason,
  nodes: '',
});

describe("Slurm's pending reason as squeue --json prints it", () => {
  it('is read from 22.05 (a plain state) and 24.11 (a list of flags) alike', () => {
    const old = parseSqueueJson(JSON.stringify({ jobs: [job('PENDING', 'Priority')] }));
    const current = parseSqueueJson(JSON.stringify({ jobs: [job(['PENDING'], 'Resources')] }));
    expect(old[0]).toMatchObject({ state: 'PENDING', reason: 'Priority' });
    expect(current[0]).toMatchObject({ state: 'PENDING', reason: 'Resources' });
  });

  it('reads a job whose nodes boot as CONFIGURING in both releases, with that as its reason', () => {
    const old = parseSqueueJson(JSON.stringify({ jobs: [job('CONFIGURING', 'None')] }));
    const current = parseSqueueJson(
      JSON.stringify({ jobs: [job(['RUNNING', 'CONFIGURING'], 'None')] }),
    );
    for (const j of [old[0], current[0]])
      expect(j).toMatchObject({ state: 'CONFIGURING', reason: 'Configuring' });
    const running = parseSqueueJson(JSON.stringify({ jobs: [job(['RUNNING'], 'None')] }));
    expect(running[0]).toMatchObject({ state: 'RUNNING', reason: 'None' });
  });
});

describe("the store's priority column", () => {
  it('gives the jobs of a version-6 database the default priority', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ct-prio-')), 'coordinator.db');
    const db = new Database(file);
    for (const m of MIGRATIONS.filter((m) => m.version <= 6)) db.exec(m.sql);
    db.pragma('user_version = 6');
    db.prepare(
      `INSERT INTO jobs (id, seq, kind, name, state, spec, dir, output_dir, agent_token, nodes_wanted, gpus_per_node, created_at)
       VALUES ('j1', 1, 'command', 'old', 'running', '{}', '/d', '/d/output', 'tok', 1, 1, 1)`,
    ).run();
    db.close();
    const store = new SqliteStore(file);
    expect(store.jobs.get('j1')?.priority).toBe(50);
    store.jobs.update('j1', { priority: 75 });
    expect(store.jobs.get('j1')?.priority).toBe(75);
    store.close();
  });
});
