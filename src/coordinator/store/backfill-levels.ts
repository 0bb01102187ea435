import type Database from 'better-sqlite3';
import type { EventLevel } from '../../api/events.js';
import { json } from './rows.js';

// Events recorded before the level was stored with them: their levels as the history view gave
// them then, read from the job's history in order. Frozen with the migration step that runs it;
// new events get theirs where they are recorded.

const ENDED = /^job:(succeeded|failed|cancelled)$/;
/** Slurm's state for a job it was told to end. */
const CALM_END = /\(CANCELLED[^)]*\)$/;

interface OldEvent {
  id: number;
  type: string;
  message: string;
  data: Record<string, unknown>;
}

/** One job's history read oldest first: each event's level, and its message as shown. */
class Leveller {
  private ended = false;
  private readonly released = new Set<number>();

  next(e: OldEvent): { level: EventLevel; message: string } {
    const slurmJobId = typeof e.data.slurmJobId === 'number' ? e.data.slurmJobId : null;
    if (ENDED.test(e.type)) this.ended = true;
    if (e.type === 'job:retried') this.ended = false;
    if (slurmJobId !== null && (e.type === 'allocation:shrunk' || e.type === 'scale:shrink'))
      this.released.add(slurmJobId);
    let message = e.message;
    let level = levelOf(e.type, e.data);
    if (e.type === 'allocation:ended') {
      const ours = this.ended || (slurmJobId !== null && this.released.has(slurmJobId));
      if (ours || /\(COMPLETED/.test(e.message)) level = 'detail';
      if (ours && CALM_END.test(e.message))
        message = `Slurm job ${slurmJobId ?? '?'} released (Slurm reports it CANCELLED)`;
    }
    if (e.type === 'agent:gone' && (this.ended || /allocation ended/.test(e.message)))
      level = 'detail';
    return { level, message };
  }
}

function levelOf(type: string, data: Record<string, unknown>): EventLevel {
  switch (type) {
    case 'agent:registered':
    case 'task:retried-here':
      return 'detail';
    case 'task:failed':
      return data.final === true ? 'error' : 'warning';
    case 'job:failed':
    case 'scale:error':
      return 'error';
    case 'job:warning':
    case 'job:paused':
    case 'task:requeued':
    case 'agent:gone':
    case 'agent:blocked':
    case 'allocation:ended':
      return 'warning';
    default:
      return 'info';
  }
}

/**
 * Stores each event's level (the new `level` column holds `info`) and the message the view showed
 * in its place, job by job.
 */
export function backfillEventLevels(db: Database.Database): void {
  const jobs = db.prepare('SELECT DISTINCT job_id FROM events').pluck().all() as string[];
  const read = db.prepare(
    'SELECT id, type, message, data FROM events WHERE job_id = ? ORDER BY id',
  );
  const write = db.prepare('UPDATE events SET level = ?, message = ? WHERE id = ?');
  for (const jobId of jobs) {
    const leveller = new Leveller();
    for (const r of read.all(jobId) as Record<string, unknown>[]) {
      const e: OldEvent = {
        id: r.id as number,
        type: r.type as string,
        message: r.message as string,
        data: json<Record<string, unknown>>(r.data, {}),
      };
      const { level, message } = leveller.next(e);
      if (level !== 'info' || message !== e.message) write.run(level, message, e.id);
    }
  }
}
