import { setTimeout as sleep } from 'node:timers/promises';
import { isJobActive, type SlurmClient } from '../src/slurm/client.js';
import { expandHostlist } from '../src/slurm/hostlist.js';
import type { HeldSpan } from './farm-plan.js';

/**
 * Slurm's `StartTime=`/`EndTime=` (local time, whole seconds) in ms; undefined for `Unknown`,
 * `None` or anything else that is not a time.
 */
export function slurmTime(text: string | undefined): number | undefined {
  if (!text || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(text)) return undefined;
  // A date and time without an offset is local time, as slurmctld printed it on this machine.
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Follows every Slurm job of the bench cluster while a leg runs and keeps, for each that ended,
 * its nodes and EndTime from `scontrol show job`. The cluster keeps no accounting and forgets a
 * finished job after MinJobAge (60 s), so the ends are read as they happen, not afterwards.
 */
export function watchSlurmEnds(client: SlurmClient, pollMs = 1_000) {
  const ended = new Map<number, HeldSpan>();
  const running = new Map<number, string[]>();
  // Jobs that had ended before the watch began belong to an earlier leg.
  let before: Set<number> | undefined;
  let stopped = false;
  let failure: Error | undefined;
  const poll = async (): Promise<void> => {
    const jobs = await client.squeue();
    before ??= new Set(jobs.filter((j) => !isJobActive(j)).map((j) => j.jobId));
    for (const j of jobs) {
      if (ended.has(j.jobId) || before.has(j.jobId)) continue;
      if (isJobActive(j)) {
        if (j.nodes.length) running.set(j.jobId, j.nodes);
        continue;
      }
      const shown = await client.showJob(j.jobId);
      const endedAt = slurmTime(shown?.EndTime);
      const listed = shown?.NodeList && shown.NodeList !== '(null)' ? shown.NodeList : '';
      const nodes = listed ? expandHostlist(listed) : (running.get(j.jobId) ?? j.nodes);
      // A job cancelled while pending held no node.
      if (endedAt !== undefined && nodes.length)
        ended.set(j.jobId, { slurmJobId: j.jobId, nodes, endedAt });
    }
  };
  const note = (err: unknown): void => {
    failure = err instanceof Error ? err : new Error('a Slurm call failed', { cause: err });
  };
  const first = poll();
  const loop = (async () => {
    await first.catch(note);
    while (!stopped) {
      await sleep(pollMs);
      await poll().catch(note);
    }
  })();
  return {
    /** Resolves once the jobs already ended are known (start the leg after this). */
    ready: first,
    /** Stops following, without a last look (after a failure; again harmless). */
    async close(): Promise<void> {
      stopped = true;
      await loop;
    },
    /** Stops following, after one last look, and returns the ended jobs by id order. */
    async stop(): Promise<HeldSpan[]> {
      await this.close();
      await poll();
      // A poll that failed now and then only loses an end; one that never worked loses them all.
      if (failure !== undefined && ended.size === 0) throw failure;
      return [...ended.values()].sort((a, b) => a.slurmJobId - b.slurmJobId);
    },
  };
}
