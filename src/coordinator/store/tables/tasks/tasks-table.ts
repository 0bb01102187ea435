import type { Sql } from '../../sql.js';
import { JobChanges } from './changes.js';
import { Estimates } from './estimates.js';
import { TaskFailures } from './failures.js';
import { Leases } from './lease.js';
import { Outcomes } from './outcomes.js';
import { ProgressCounts } from './progress.js';
import { QueueEdits } from './queue-edits.js';
import { TaskReads } from './reads.js';

/**
 * The task queue: the `tasks`, `attempts` and `task_failures` tables, one object for the store
 * to hand out. Each operation lives in the module named beside it; every write counts a change
 * of its job (changes.ts), so that a stage's progress is counted again only when its job changed.
 */
export class TasksTable {
  private readonly reads: TaskReads;
  private readonly counts: ProgressCounts;
  private readonly edits: QueueEdits;
  private readonly leases: Leases;
  private readonly estimates: Estimates;
  private readonly failures: TaskFailures;
  private readonly outcomes: Outcomes;

  constructor(sql: Sql) {
    const changes = new JobChanges();
    this.reads = new TaskReads(sql);
    this.counts = new ProgressCounts(sql, changes);
    this.failures = new TaskFailures(sql);
    this.edits = new QueueEdits(sql, changes, this.failures);
    this.estimates = new Estimates(sql);
    this.leases = new Leases(sql, changes, this.reads, this.estimates);
    this.outcomes = new Outcomes(sql, changes, this.reads, this.failures);
  }

  // queue-edits.ts
  insert(...a: Parameters<QueueEdits['insert']>) {
    return this.edits.insert(...a);
  }
  replaceQueued(...a: Parameters<QueueEdits['replaceQueued']>) {
    return this.edits.replaceQueued(...a);
  }
  reopen(...a: Parameters<QueueEdits['reopen']>) {
    return this.edits.reopen(...a);
  }
  cancelOpen(...a: Parameters<QueueEdits['cancelOpen']>) {
    return this.edits.cancelOpen(...a);
  }

  // lease.ts, estimates.ts, failures.ts
  leaseNext(...a: Parameters<Leases['leaseNext']>) {
    return this.leases.leaseNext(...a);
  }
  renew(...a: Parameters<Leases['renew']>) {
    return this.leases.renew(...a);
  }
  extendLeases(...a: Parameters<Leases['extendLeases']>) {
    return this.leases.extendLeases(...a);
  }
  finishedNear(...a: Parameters<Estimates['finishedNear']>) {
    return this.estimates.finishedNear(...a);
  }
  strandedFor(...a: Parameters<TaskFailures['strandedFor']>) {
    return this.failures.strandedFor(...a);
  }
  forgetAgents(...a: Parameters<TaskFailures['forgetAgents']>) {
    return this.failures.forgetAgents(...a);
  }

  // outcomes.ts
  complete(...a: Parameters<Outcomes['complete']>) {
    return this.outcomes.complete(...a);
  }
  fail(...a: Parameters<Outcomes['fail']>) {
    return this.outcomes.fail(...a);
  }
  requeueLeased(...a: Parameters<Outcomes['requeueLeased']>) {
    return this.outcomes.requeueLeased(...a);
  }

  // reads.ts, progress.ts
  get(...a: Parameters<TaskReads['get']>) {
    return this.reads.get(...a);
  }
  firstOpen(...a: Parameters<TaskReads['firstOpen']>) {
    return this.reads.firstOpen(...a);
  }
  list(...a: Parameters<TaskReads['list']>) {
    return this.reads.list(...a);
  }
  attempts(...a: Parameters<TaskReads['attempts']>) {
    return this.reads.attempts(...a);
  }
  repeatedAttempts(...a: Parameters<TaskReads['repeatedAttempts']>) {
    return this.reads.repeatedAttempts(...a);
  }
  recentCompletions(...a: Parameters<TaskReads['recentCompletions']>) {
    return this.reads.recentCompletions(...a);
  }
  completions(...a: Parameters<TaskReads['completions']>) {
    return this.reads.completions(...a);
  }
  progress(...a: Parameters<ProgressCounts['progress']>) {
    return this.counts.progress(...a);
  }
}
