import type { LeaseDecision } from '../scheduler/scheduler.js';
import type { Waiters, Wake } from '../waiters.js';

/** The longest a lease request may wait for work (ms). */
const MAX_WAIT_MS = 10_000;
/**
 * A long-poll with no work ends somewhere in the last fifth of the wait it asked for. Agents
 * started together (one srun, one bench swarm) would otherwise all ask again in the same
 * millisecond every few seconds, and a task arriving then waits behind thousands of requests.
 */
export const LONG_POLL_SPREAD = 0.2;

/** How long a long-poll asking for `waitMs` may wait; `r` uniform in [0, 1). */
export function longPollMs(waitMs: number, r: number): number {
  return Math.min(Math.max(waitMs, 0), MAX_WAIT_MS) * (1 - LONG_POLL_SPREAD * r);
}

/**
 * Asks `ask` for a task of job `jobId` until it gives one (or says to exit), the wait is over,
 * or `signal` aborts. `ask(woken)`: `woken` is false on the first try and true after a wake-up,
 * when what the caller read before may be stale (a drain or the job's end may be what woke it).
 * A wake-up offering work this agent may not take is passed on to the next waiter.
 */
export async function longPoll(
  p: { waiters: Pick<Waiters, 'wait' | 'passOn'>; now: () => number },
  jobId: string,
  waitMs: number,
  ask: (woken: boolean) => LeaseDecision,
  signal?: AbortSignal,
): Promise<LeaseDecision> {
  const deadline = p.now() + longPollMs(waitMs, Math.random());
  let wake: Wake = { kind: 'news' };
  for (let woken = false; ; woken = true) {
    const r = ask(woken);
    if (!('idle' in r)) return r;
    if (r.forOthers) p.waiters.passOn(jobId, wake);
    const left = deadline - p.now();
    if (left <= 0 || signal?.aborted) return r;
    wake = await p.waiters.wait(jobId, left, signal);
    if (wake.kind === 'timeout') return r;
  }
}
