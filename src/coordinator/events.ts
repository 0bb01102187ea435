import { EventEmitter } from 'node:events';
import type { CoordinatorEvent } from './api-types.js';

/** Fan-out of live updates to server-sent-event streams; `job:updated` is coalesced per job. */
export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly pendingJobs = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly summarize: (jobId: string) => CoordinatorEvent | undefined,
    private readonly coalesceMs = 200,
  ) {
    this.emitter.setMaxListeners(0);
  }

  /** Whether anyone is subscribed: events nobody receives need not be built. */
  get listening(): boolean {
    return this.emitter.listenerCount('event') > 0;
  }

  emit(event: CoordinatorEvent): void {
    this.emitter.emit('event', event);
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

  subscribe(listener: (e: CoordinatorEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.emitter.removeAllListeners();
  }
}
