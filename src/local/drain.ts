import { setTimeout as sleep } from 'node:timers/promises';
import { isJobActive, type SlurmNode } from '../slurm/client.js';
import type { LocalCluster } from './local-cluster.js';

const completing = (n: SlurmNode): boolean =>
  n.state === 'completing' || n.flags.includes('COMPLETING');

/**
 * Cancels every job of the cluster and waits until the queue is empty and no node is still
 * completing: under proctrack/linuxproc, stopping the daemons would leave job steps running
 * (shared/notes/local-slurm.md), so Slurm itself must end them first. When that takes longer
 * than `stuckAfterMs` (a task that left its step's process tree keeps the job completing),
 * `onStuck` runs once. Returns the ids of the jobs it cancelled.
 */
export async function drainJobs(
  cluster: LocalCluster,
  opts: {
    timeoutMs: number;
    stuckAfterMs: number;
    onStuck: () => Promise<void>;
    log: (s: string) => void;
  },
): Promise<number[]> {
  const client = cluster.client(10_000);
  const start = Date.now();
  const active = async () => (await client.squeue()).filter(isJobActive);
  let jobs = await active();
  const cancelled = jobs.map((j) => j.jobId);
  if (jobs.length) opts.log(`cancelling ${jobs.length} job(s)`);
  await client.scancel(cancelled);
  let stuckHandled = false;
  for (;;) {
    const nodes = (await client.nodes()).filter(completing);
    if (jobs.length === 0 && nodes.length === 0) return cancelled;
    const waited = Date.now() - start;
    if (waited > opts.timeoutMs) {
      opts.log(
        `the queue did not drain (${[...jobs.map((j) => `job ${j.jobId}:${j.state}`), ...nodes.map((n) => `${n.name}:completing`)].join(' ')}); stopping anyway`,
      );
      return cancelled;
    }
    if (!stuckHandled && waited > opts.stuckAfterMs) {
      stuckHandled = true;
      await opts.onStuck();
    }
    await sleep(250);
    jobs = await active();
    // A job submitted while we waited (by a user's script) is cancelled too.
    await client
      .scancel(jobs.filter((j) => j.state !== 'COMPLETING').map((j) => j.jobId))
      .catch(() => {});
  }
}
