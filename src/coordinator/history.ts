import type { CoordinatorEvent } from '../api/types.js';
import type { EventRow } from './store/types.js';

/** Who did something: the user, the autoscaling policy, or the coordinator itself. */
export type Actor = EventRow['actor'];

/** What recording needs: somewhere to keep events and someone to tell. */
export interface HistoryPorts {
  events: { add(e: Omit<EventRow, 'id'>): EventRow };
  bus: { emit(e: CoordinatorEvent): void; jobChanged(jobId: string): void };
  now: () => number;
  /** The coordinator's log; every decision gets a line there too. */
  log: (line: string) => void;
}

/** A function that records one decision in a job's history. */
export type RecordFn = (
  jobId: string,
  type: string,
  actor: Actor,
  message: string,
  data?: Record<string, unknown>,
) => void;

/**
 * Records a decision: in the job's history (SQLite), on the live event stream, and as one line
 * of the coordinator's log (`j3 task:requeued coordinator: task 12 lease expired ...`).
 */
export function recorder(p: HistoryPorts): RecordFn {
  return (jobId, type, actor, message, data = {}) => {
    const e = p.events.add({ jobId, at: p.now(), type, actor, message, data });
    p.bus.emit({
      type: 'job:event',
      jobId,
      event: { id: e.id, at: e.at, type, actor, message, data },
    });
    p.bus.jobChanged(jobId);
    p.log(`${jobId} ${type} ${actor}: ${message}`);
  };
}
