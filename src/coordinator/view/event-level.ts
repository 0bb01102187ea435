import type { EventLevel, JobEvent } from '../../api/types.js';
import type { EventRow } from '../store/types.js';

const ENDED = /^job:(succeeded|failed|cancelled)$/;
/** Slurm's state for a job it was told to end. */
const CALM_END = /\(CANCELLED[^)]*\)$/;

/**
 * Reads a job's history in order and says how much each event matters, so that routine lines
 * (agents registering and leaving, Slurm reporting CANCELLED for an allocation the coordinator
 * released) fold away and real trouble stands out. Such an allocation end is reworded to say
 * it was released. Feed it every event of a job, oldest first.
 */
export class EventLeveller {
  private ended = false;
  private readonly released = new Set<number>();

  next(e: Omit<EventRow, 'jobId'>): JobEvent {
    const slurmJobId = typeof e.data.slurmJobId === 'number' ? e.data.slurmJobId : null;
    if (ENDED.test(e.type)) this.ended = true;
    if (e.type === 'job:retried') this.ended = false;
    if (slurmJobId !== null && (e.type === 'allocation:shrunk' || e.type === 'scale:shrink'))
      this.released.add(slurmJobId);
    let message = e.message;
    let level: EventLevel = levelOf(e.type, e.data);
    if (e.type === 'allocation:ended') {
      const ours = this.ended || (slurmJobId !== null && this.released.has(slurmJobId));
      if (ours || /\(COMPLETED/.test(e.message)) level = 'detail';
      if (ours && CALM_END.test(e.message))
        message = `Slurm job ${slurmJobId ?? '?'} released (Slurm reports it CANCELLED)`;
    }
    if (e.type === 'agent:gone' && (this.ended || /allocation ended/.test(e.message)))
      level = 'detail';
    return { id: e.id, at: e.at, type: e.type, actor: e.actor, message, data: e.data, level };
  }
}

/** A job's history with levels (see EventLeveller). */
export function withLevels(events: readonly EventRow[]): JobEvent[] {
  const l = new EventLeveller();
  return events.map((e) => l.next(e));
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
