/** Why a long-poll wait ended. */
export type Wake =
  | { kind: 'timeout' }
  /** The job changed (it ended, an agent drains, a stage opened): every waiter looks again. */
  | { kind: 'news' }
  /** Work for one agent came; `hops` counts the waiters it was passed on by already. */
  | { kind: 'offer'; hops: number };

/**
 * Long-poll wake-ups: an idle agent waits here until its job may have work, so a new or requeued
 * task reaches it within milliseconds rather than after a polling interval. New work wakes only
 * as many waiters as there are tasks, longest waiting first; waking all of them for one task
 * would have thousands of agents race for it (and all but one look again for nothing).
 */
export class Waiters {
  /** Per job, in the order the agents began waiting (a Set keeps insertion order). */
  private readonly byJob = new Map<string, Set<(w: Wake) => void>>();

  /** Resolves when the job has news, an offer reaches this waiter, or after `ms`. */
  wait(jobId: string, ms: number, signal?: AbortSignal): Promise<Wake> {
    return new Promise((resolve) => {
      let set = this.byJob.get(jobId);
      if (!set) this.byJob.set(jobId, (set = new Set()));
      const waiters = set;
      const done = (w: Wake) => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.byJob.get(jobId) === waiters) this.byJob.delete(jobId);
        signal?.removeEventListener('abort', onAbort);
        resolve(w);
      };
      const onAbort = () => done({ kind: 'timeout' });
      const timer = setTimeout(onAbort, ms);
      signal?.addEventListener('abort', onAbort);
      waiters.add(done);
    });
  }

  /** Wakes every waiter of the job: something besides new work changed. */
  notify(jobId: string): void {
    for (const wake of [...(this.byJob.get(jobId) ?? [])]) wake({ kind: 'news' });
  }

  /** `count` tasks became available: wakes that many waiters, longest waiting first. */
  offer(jobId: string, count = 1, hops = 0): void {
    const set = this.byJob.get(jobId);
    if (!set || count <= 0) return;
    const woken: ((w: Wake) => void)[] = [];
    for (const wake of set) {
      if (woken.length >= count) break;
      woken.push(wake);
    }
    for (const wake of woken) wake({ kind: 'offer', hops });
  }

  /**
   * An offer reached a waiter that may not take the work (it failed that task, or drains): the
   * next waiter gets it, until every waiter has had it once.
   */
  passOn(jobId: string, wake: Wake): void {
    if (wake.kind !== 'offer' || wake.hops >= this.waiting(jobId)) return;
    this.offer(jobId, 1, wake.hops + 1);
  }

  /** How many agents of a job are waiting right now (they count as alive). */
  waiting(jobId: string): number {
    return this.byJob.get(jobId)?.size ?? 0;
  }
}
