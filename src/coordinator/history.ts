import { EVENT_LEVELS, type EventData, type EventLevel, type EventType } from '../api/events.js';
import type { CoordinatorEvent, JobEvent } from '../api/types.js';
import type { EventRow, JobRow, NewEvent } from './store/types.js';

/** Who did something: the user, the autoscaling policy, or the coordinator itself. */
export type Actor = EventRow['actor'];

/** What recording needs: somewhere to keep events and someone to tell. */
export interface HistoryPorts {
  events: { add(e: NewEvent): EventRow };
  bus: { emit(e: CoordinatorEvent): void; jobChanged(jobId: string): void };
  now: () => number;
  /** The coordinator's log; every decision gets a line there too. */
  log: (line: string) => void;
}

/**
 * An event's data, which may be left out when its type carries none, and its level when the
 * recorder knows better than the type's own (api/events.ts).
 */
type DataAndLevel<K extends EventType> =
  Record<string, never> extends EventData[K]
    ? [data?: EventData[K], level?: EventLevel]
    : [data: EventData[K], level?: EventLevel];

/** A function that records one decision in a job's history. */
export type RecordFn = <K extends EventType>(
  jobId: string,
  type: K,
  actor: Actor,
  message: string,
  ...dataAndLevel: DataAndLevel<K>
) => void;

/**
 * Records a decision: in the job's history (SQLite), on the live event stream, and as one line
 * of the coordinator's log (`j3 task:requeued coordinator: task 12 lease expired ...`).
 */
export function recorder(p: HistoryPorts): RecordFn {
  return (
    jobId: string,
    type: EventType,
    actor: Actor,
    message: string,
    data: object = {},
    level: EventLevel = EVENT_LEVELS[type],
  ) => {
    // RecordFn ties `data` to `type`; past that seam they travel as one of the union's events.
    const e = p.events.add({ jobId, at: p.now(), type, actor, message, data, level } as NewEvent);
    p.bus.emit({ type: 'job:event', jobId, event: jobEvent(e) });
    p.bus.jobChanged(jobId);
    p.log(`${jobId} ${type} ${actor}: ${message}`);
  };
}

/** An event of the history as the API shows it. */
export function jobEvent(e: EventRow): JobEvent {
  const { id, at, type, actor, message, data, level } = e;
  return { id, at, type, actor, message, data, level } as JobEvent;
}

/**
 * Whether a job has ended (and not been retried since): what happens to its allocations and
 * agents afterwards is the coordinator letting go, routine in its history.
 */
export function jobEnded(job: Pick<JobRow, 'state'> | undefined): boolean {
  return job !== undefined && job.state !== 'running' && job.state !== 'queued';
}
