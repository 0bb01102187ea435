/**
 * The request/reply messages between the scale bench and the coordinator process it starts
 * (`coordinator-process.ts`), over Node's IPC channel.
 */
import type { BenchJob } from '../coordinator-port.js';

/** What the coordinator process reports about itself. */
export interface ProcessStats {
  /** CPU time since it started, ms (user + system). */
  cpuMs: number;
  rssBytes: number;
  /** The largest resident set so far (getrusage's maxrss). */
  peakRssBytes: number;
}

/** Every request, by name: its arguments and its reply. */
export interface ScaleRequests {
  /** The history written before the coordinator started: finished jobs, and how long it took. */
  history: { args: Record<string, never>; reply: { jobs: number; seconds: number } };
  /** A running job with one ready stage whose single task an in-process agent holds. */
  job: { args: Record<string, never>; reply: BenchJob };
  /** Adds `count` no-op tasks to the job's stage and wakes its agents; `at` is when (epoch ms). */
  addTasks: { args: { jobId: string; count: number }; reply: { at: number } };
  /** Agents of the job now long-polling. */
  waiting: { args: { jobId: string }; reply: number };
  /** Ends the job: the held task completes, so the stage and the job end. */
  finish: { args: { jobId: string }; reply: string };
  stats: { args: Record<string, never>; reply: ProcessStats };
  /** Starts a V8 CPU profile of the coordinator, or stops it and writes it to `file`. */
  profile: { args: { file?: string }; reply: null };
}

export type ScaleRequestName = keyof ScaleRequests;

export interface ScaleRequestMessage {
  id: number;
  name: ScaleRequestName;
  args: unknown;
}

export type ScaleReplyMessage =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Sent once the coordinator listens. */
export interface ScaleReadyMessage {
  ready: { url: string; token: string };
}

/** Epoch milliseconds with sub-millisecond precision, comparable across processes. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
