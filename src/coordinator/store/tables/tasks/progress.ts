import type { Progress } from '../../../../api/types.js';
import type { Sql } from '../../sql.js';
import type { JobChanges } from './changes.js';

type Counts = { tasks: Progress; frames: Progress };

/** A count's own copy: callers may change what they get. */
const copy = (v: Counts): Counts => ({ tasks: { ...v.tasks }, frames: { ...v.frames } });

/** A stage's (or a job's) tasks counted by state, kept until the job's tasks change. */
export class ProgressCounts {
  private readonly counted = new Map<string, { change: number; value: Counts }>();

  constructor(
    private readonly sql: Sql,
    private readonly changes: JobChanges,
  ) {}

  /**
   * Counts by state for a stage (or every stage), in tasks and in frames (a chunk of 4 frames
   * counts 4); counted again only after the job's tasks changed. A count taken inside a
   * transaction is not kept: the transaction may yet be rolled back.
   */
  progress(jobId: string, stage?: string): Counts {
    const key = `${jobId}/${stage ?? '*'}`;
    const change = this.changes.of(jobId);
    const kept = this.counted.get(key);
    if (kept && kept.change === change && !this.sql.inTransaction) return copy(kept.value);
    const value = this.count(jobId, stage);
    if (!this.sql.inTransaction) this.counted.set(key, { change, value: copy(value) });
    return value;
  }

  private count(jobId: string, stage?: string): Counts {
    const rows = this.sql
      .q(
        `SELECT state, COUNT(*) AS n, SUM(json_array_length(frames)) AS f FROM tasks WHERE job_id = ? AND (? IS NULL OR stage = ?) GROUP BY state`,
      )
      .all(jobId, stage ?? null, stage ?? null) as { state: string; n: number; f: number | null }[];
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
}
