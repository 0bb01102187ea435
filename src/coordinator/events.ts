import { EventEmitter } from 'node:events';
import type { CoordinatorEvent } from '../api/types.js';

/** A stream's pending text and where it goes. */
interface Stream {
  write: (chunk: string) => void;
  pending: string;
}

/**
 * Fan-out of live updates to server-sent-event streams; `job:updated` is coalesced per job.
 * Each event is serialized once for every stream, and each stream gets what came in the last
 * `flushMs` as one write: with thousands of tasks finishing a second, a write per event per
 * viewer would cost the coordinator more than the tasks themselves.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly pendingJobs = new Set<string>();
  private readonly streams = new Set<Stream>();
  private timer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly summarize: (jobId: string) => CoordinatorEvent | undefined,
    private readonly coalesceMs = 200,
    private readonly flushMs = 50,
  ) {
    this.emitter.setMaxListeners(0);
  }

  /** Whether anyone is subscribed: events nobody receives need not be built. */
  get listening(): boolean {
    return this.streams.size > 0 || this.emitter.listenerCount('event') > 0;
  }

  emit(event: CoordinatorEvent): void {
    this.emitter.emit('event', event);
    if (this.streams.size === 0) return;
    const text = `data: ${JSON.stringify(event)}\n\n`;
    for (const s of this.streams) s.pending += text;
    this.flushTimer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  private flush(): void {
    this.flushTimer = undefined;
    for (const s of this.streams) {
      if (!s.pending) continue;
      const chunk = s.pending;
      s.pending = '';
      s.write(chunk);
    }
  }

  /** Announces that a job changed; at most one `job:updated` per job every `coalesceMs`. */
  jobChanged(jobId: string): void {
    if (!this.listening) return;
    this.pendingJobs.add(jobId);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const ids = [...this.pendingJobs];
      this.pendingJobs.clear();
      for (const id of ids) {
        const e = this.summarize(id);
        if (e) this.emit(e);
      }
    }, this.coalesceMs);
  }

  /** Calls `listener` with every event as it is emitted. */
  subscribe(listener: (e: CoordinatorEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /**
   * Writes every event to `write` as server-sent-event text (`data: <json>\n\n`), those of each
   * `flushMs` in one chunk. Returns the unsubscribe function.
   */
  stream(write: (chunk: string) => void): () => void {
    const s: Stream = { write, pending: '' };
    this.streams.add(s);
    return () => this.streams.delete(s);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.streams.clear();
    this.emitter.removeAllListeners();
  }
}
