import type { TaskProgressReport } from '../../api/agent-protocol.js';
import type { TaskLiveProgress } from '../../api/types.js';
import type { TaskRow } from './types.js';

/** Entries older than this are dropped when the map grows: their tasks ended long ago. */
const KEEP_MS = 10 * 60_000;
const PRUNE_AT = 4096;

interface Entry extends TaskLiveProgress {
  agentId: string;
  jobId: string;
}

/**
 * How far each running task is, as its agent said with its last lease renewal. Kept in memory,
 * never written: a sample count is worth nothing once the task ends or the coordinator restarts,
 * and a write per renewal would double the store's writes. A reading shows only while the task
 * is still leased to the agent that sent it, in the same run (sent after that run began).
 */
export class LiveProgress {
  private readonly byTask = new Map<number, Entry>();
  /** The jobs with a reading, so that a job nobody reported on costs no query. */
  private readonly jobs = new Map<string, number>();

  /** Notes what `agentId` said of its task at `now` (ms). */
  note(
    task: Pick<TaskRow, 'id' | 'jobId'>,
    agentId: string,
    p: TaskProgressReport,
    now: number,
  ): void {
    if (this.byTask.size >= PRUNE_AT) this.prune(now);
    const before = this.byTask.get(task.id);
    if (!before) this.jobs.set(task.jobId, (this.jobs.get(task.jobId) ?? 0) + 1);
    this.byTask.set(task.id, {
      agentId,
      jobId: task.jobId,
      fraction: p.fraction,
      activity: p.activity ?? null,
      frame: p.frame ?? null,
      frameFraction: p.frameFraction ?? null,
      frameStartedAt: p.frameElapsedMs !== undefined ? now - p.frameElapsedMs : null,
      at: now,
    });
  }

  /** Whether any task of `jobId` has a reading (which may be stale: `of` decides). */
  noted(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  private prune(now: number): void {
    for (const [id, e] of this.byTask) {
      if (now - e.at <= KEEP_MS) continue;
      this.byTask.delete(id);
      const n = (this.jobs.get(e.jobId) ?? 1) - 1;
      if (n > 0) this.jobs.set(e.jobId, n);
      else this.jobs.delete(e.jobId);
    }
  }

  /** The latest reading of a task while it runs, null otherwise. */
  of(task: Pick<TaskRow, 'id' | 'state' | 'agentId' | 'startedAt'>): TaskLiveProgress | null {
    const e = this.byTask.get(task.id);
    if (!e || task.state !== 'leased' || e.agentId !== task.agentId) return null;
    if (task.startedAt !== null && e.at < task.startedAt) return null;
    return {
      fraction: e.fraction,
      activity: e.activity,
      frame: e.frame,
      frameFraction: e.frameFraction,
      frameStartedAt: e.frameStartedAt,
      at: e.at,
    };
  }
}
