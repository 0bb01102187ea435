import { LiveProgress } from './live-progress.js';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { Sql } from './sql.js';
import { AgentsTable } from './tables/agents.js';
import { AllocationsTable } from './tables/allocations.js';
import { EventsTable } from './tables/events.js';
import { JobsTable } from './tables/jobs.js';
import { NoticesTable } from './tables/notices.js';
import { StagesTable } from './tables/stages.js';
import { StateCounts } from './tables/state-counts.js';
import { QueueEnvironmentsTable } from './tables/queue-environments.js';
import { TaskEditsTable } from './tables/task-edits.js';
import { TasksTable } from './tables/tasks/tasks-table.js';
import type { JobRow, NewTask, StageRow } from './types.js';

/** The database and the files SQLite keeps beside it in WAL mode. */
const DB_FILES = ['', '-wal', '-shm'];

/**
 * Durable coordinator state in one SQLite file (WAL), one table object per table. One process
 * owns it. The file holds every agent token, so it and its WAL are readable by the owner only.
 */
export class SqliteStore {
  private readonly db: Database.Database;
  private readonly sql: Sql;
  readonly jobs: JobsTable;
  readonly stages: StagesTable;
  readonly tasks: TasksTable;
  readonly agents: AgentsTable;
  readonly allocations: AllocationsTable;
  readonly events: EventsTable;
  readonly taskEdits: TaskEditsTable;
  readonly notices: NoticesTable;
  readonly counts: StateCounts;
  /** How far running tasks are, in memory only (see live-progress.ts). */
  readonly live = new LiveProgress();
  readonly queueEnvironments: QueueEnvironmentsTable;

  /** `synchronous`: NORMAL survives a killed process (the WAL is on disk); FULL also a power cut. */
  constructor(
    readonly file: string,
    opts: { synchronous?: 'NORMAL' | 'FULL' } = {},
  ) {
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    migrate(this.db, file);
    for (const suffix of DB_FILES) if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
    this.sql = new Sql(this.db);
    this.jobs = new JobsTable(this.sql);
    this.stages = new StagesTable(this.sql);
    this.tasks = new TasksTable(this.sql);
    this.agents = new AgentsTable(this.sql);
    this.allocations = new AllocationsTable(this.sql);
    this.events = new EventsTable(this.sql);
    this.taskEdits = new TaskEditsTable(this.sql);
    this.notices = new NoticesTable(this.sql);
    this.counts = new StateCounts(this.sql);
    this.queueEnvironments = new QueueEnvironmentsTable(this.sql);
  }

  close(): void {
    this.db.close();
  }

  /** Whether the database is still open (work deferred past `close` finds it shut). */
  get open(): boolean {
    return this.db.open;
  }

  transaction<T>(fn: () => T): T {
    return this.sql.transaction(fn);
  }

  /** Writes a new job with its stages and tasks in one transaction. */
  insertJob(job: JobRow, stages: Omit<StageRow, 'jobId'>[], tasks: NewTask[]): void {
    this.transaction(() => {
      this.jobs.insert(job);
      this.stages.insert(job.id, stages);
      this.tasks.insert(job.id, tasks);
    });
  }
}
