import type Database from 'better-sqlite3';
import { CliError } from '../../errors.js';
import { backfillEventLevels } from './backfill-levels.js';
import { SCHEMA_V1 } from './schema.js';

/**
 * The schema's history, one step per `user_version`. A database is brought forward step by step
 * in one transaction; steps are never edited once released, only added. A step's `fill`, if any,
 * runs after its SQL: rows whose new values need more than SQL to work out.
 */
export const MIGRATIONS: readonly {
  version: number;
  why: string;
  sql: string;
  fill?: (db: Database.Database) => void;
}[] = [
  { version: 1, why: 'jobs, stages, tasks, attempts, agents, allocations, events', sql: SCHEMA_V1 },
  {
    version: 2,
    why: 'agent tokens are looked up per request; a lease names its attempt; a retry can wait; Slurm resizes are counted',
    sql: `
      CREATE INDEX IF NOT EXISTS jobs_agent_token ON jobs (agent_token);
      ALTER TABLE tasks ADD COLUMN lease_attempt INTEGER;
      ALTER TABLE tasks ADD COLUMN not_before INTEGER;
      ALTER TABLE allocations ADD COLUMN resizes INTEGER NOT NULL DEFAULT 0;
      UPDATE tasks SET lease_attempt = attempts + 1 WHERE agent_id IS NOT NULL;
    `,
  },
  {
    version: 3,
    why: "large histories: the sweep finds silent agents, registration a GPU twin, the views recent completions and a stage's counts, without reading every row",
    sql: `
      CREATE INDEX IF NOT EXISTS agents_live ON agents (state, last_seen);
      CREATE INDEX IF NOT EXISTS agents_gpu ON agents (job_id, node, gpu);
      CREATE INDEX IF NOT EXISTS tasks_done ON tasks (job_id, state, finished_at);
      CREATE INDEX IF NOT EXISTS tasks_progress ON tasks (job_id, stage, state, json_array_length(frames));
    `,
  },
  {
    version: 4,
    why: "a stage may lease its costliest tasks first, each task estimated by the finished task nearest it; the queue's index holds only queued tasks, and the tasks near one are found by seq, an index a lease does not change",
    sql: `
      ALTER TABLE stages ADD COLUMN lease_order TEXT;
      ALTER TABLE tasks ADD COLUMN lease_tier INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tasks ADD COLUMN lease_key REAL NOT NULL DEFAULT 0;
      ALTER TABLE tasks ADD COLUMN lease_from INTEGER;
      DROP INDEX IF EXISTS tasks_queue;
      CREATE INDEX IF NOT EXISTS tasks_next ON tasks (job_id, stage, lease_tier, lease_key, seq)
        WHERE state = 'queued';
      CREATE INDEX IF NOT EXISTS tasks_seq ON tasks (job_id, stage, seq);
    `,
  },
  {
    version: 5,
    why: 'the agents that failed a task are rows of their own, found by key where the lease asks, not searched for in a JSON text',
    sql: `
      CREATE TABLE IF NOT EXISTS task_failures (
        task_id INTEGER NOT NULL,
        agent_id TEXT NOT NULL,
        PRIMARY KEY (task_id, agent_id)
      ) WITHOUT ROWID;
      INSERT OR IGNORE INTO task_failures (task_id, agent_id)
        SELECT tasks.id, failed.value FROM tasks, json_each(tasks.excluded_agents) AS failed;
      ALTER TABLE tasks DROP COLUMN excluded_agents;
    `,
  },
  {
    version: 6,
    why: "an event's level is decided where it is recorded and stored with it; older events get the levels the history view gave them",
    sql: `ALTER TABLE events ADD COLUMN level TEXT NOT NULL DEFAULT 'info';`,
    fill: backfillEventLevels,
  },
  {
    version: 7,
    why: "a job's priority (1..100, higher first) orders Slurm's start of its allocations; jobs written before it have the default",
    sql: `ALTER TABLE jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT 50;`,
  },
  {
    version: 8,
    why: "a job's end is told to the URLs it names; the messages wait in an outbox so that a restart between the end and the delivery loses none",
    sql: `
      CREATE TABLE IF NOT EXISTS job_notify (
        job_id TEXT NOT NULL REFERENCES jobs(id),
        url TEXT NOT NULL,
        PRIMARY KEY (job_id, url)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS notices (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs(id),
        url TEXT NOT NULL,
        body TEXT NOT NULL,
        due_at INTEGER,
        tries INTEGER NOT NULL DEFAULT 0,
        delivered_at INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS notices_due ON notices(due_at) WHERE due_at IS NOT NULL;
    `,
  },
  {
    version: 9,
    why: 'queue environments: OpenJD environment templates the coordinator keeps and applies to every OpenJD job, in the order they were added',
    sql: `
      CREATE TABLE IF NOT EXISTS queue_environments (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        doc TEXT NOT NULL,
        dir TEXT,
        added_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 10,
    why: 'a job may be suspended: when (null while it is not) and the time its earlier suspensions took, which its elapsed time leaves out',
    sql: `
      ALTER TABLE jobs ADD COLUMN suspended_at INTEGER;
      ALTER TABLE jobs ADD COLUMN suspended_ms INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 11,
    why: "a job's owner: the Unix user (or AWS identity) that submitted it; jobs written before it have none, and are the operator's",
    sql: `ALTER TABLE jobs ADD COLUMN owner TEXT;`,
  },
];

/** The version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Applies every step after the database's `user_version`; refuses a newer database. */
export function migrate(db: Database.Database, file: string): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > SCHEMA_VERSION)
    throw new CliError(
      `${file} has schema version ${from}, newer than this cluster-tool's ${SCHEMA_VERSION}: upgrade cluster-tool on the head node`,
    );
  db.transaction(() => {
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      db.exec(m.sql);
      m.fill?.(db);
      db.pragma(`user_version = ${m.version}`);
    }
  })();
  return { from, to: SCHEMA_VERSION };
}
