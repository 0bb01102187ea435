/**
 * Long-poll wake-ups: an idle agent waits here until its job may have work, so a new or requeued
 * task reaches it within milliseconds rather than after a polling interval.
 */
export class Waiters {
  private readonly byJob = new Map<string, Set<() => void>>();

  /** Resolves when `notify(jobId)` is called or after `ms`, whichever is first. */
  wait(jobId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.byJob.get(jobId) ?? new Set<() => void>();
      this.byJob.set(jobId, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done);
      set.add(done);
    });
  }

  notify(jobId: string): void {
    for (const wake of [...(this.byJob.get(jobId) ?? [])]) wake();
  }

  /** How many agents of a job are waiting right now (they count as alive). */
  waiting(jobId: string): number {
    return this.byJob.get(jobId)?.size ?? 0;
  }
}
