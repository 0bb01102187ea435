/**
 * The first schema, as version 1 shipped it. Later changes are steps in migrations.ts; this text
 * stays as it was so that every database, old or new, goes through the same steps.
 */
export const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  spec TEXT NOT NULL,
  dir TEXT NOT NULL,
  output_dir TEXT NOT NULL,
  agent_token TEXT NOT NULL,
  nodes_wanted INTEGER NOT NULL,
  gpus_per_node INTEGER NOT NULL,
  auto TEXT,
  video TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE TABLE IF NOT EXISTS stages (
  job_id TEXT NOT NULL,
  name TEXT NOT NULL,
  seq INTEGER NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (job_id, name)
);
CREATE TABLE IF NOT EXISTS tasks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  frames TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  excluded_agents TEXT NOT NULL DEFAULT '[]',
  agent_id TEXT,
  node TEXT,
  gpu TEXT,
  lease_expires INTEGER,
  started_at INTEGER,
  finished_at INTEGER,
  result TEXT,
  error TEXT,
  error_tail TEXT
);
CREATE INDEX IF NOT EXISTS tasks_queue ON tasks (job_id, stage, state, seq);
CREATE INDEX IF NOT EXISTS tasks_lease ON tasks (state, lease_expires);
CREATE TABLE IF NOT EXISTS attempts (
  task_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  agent_id TEXT NOT NULL,
  node TEXT,
  gpu TEXT,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  outcome TEXT,
  error TEXT
);
CREATE INDEX IF NOT EXISTS attempts_task ON attempts (task_id);
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  node TEXT NOT NULL,
  gpu TEXT NOT NULL,
  slurm_job_id INTEGER NOT NULL,
  state TEXT NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  pid INTEGER,
  registered_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS agents_job ON agents (job_id, state);
CREATE TABLE IF NOT EXISTS allocations (
  slurm_job_id INTEGER PRIMARY KEY,
  job_id TEXT NOT NULL,
  role TEXT NOT NULL,
  state TEXT NOT NULL,
  nodes TEXT NOT NULL DEFAULT '[]',
  requested_nodes INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX IF NOT EXISTS allocations_job ON allocations (job_id);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  actor TEXT NOT NULL,
  message TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS events_job ON events (job_id, id);
`;
