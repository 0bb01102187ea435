import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../../errors.js';
import { isTransientSlurmError } from '../../slurm/errors.js';
import type { Actor, RecordFn } from '../history.js';
import type { AllocationPort } from '../ports.js';
import type { AgentsTable } from '../store/tables/agents.js';
import type { AllocationsTable } from '../store/tables/allocations.js';
import type { HeldNode } from './pick-nodes.js';

/** What giving nodes back needs. */
export interface ReleasePorts {
  store: {
    allocations: Pick<AllocationsTable, 'list' | 'update' | 'noteResized'>;
    agents: Pick<AgentsTable, 'update'>;
  };
  slurm: Pick<AllocationPort, 'cancel' | 'shrink'>;
  record: RecordFn;
  notify: (jobId: string) => void;
  now: () => number;
}

/** Tries of a release Slurm answers with "not now" (about 15 s in all). */
const RELEASE_TRIES = 6;

/** Runs a Slurm call again while it answers "not now", waiting longer each time. */
async function withRetries<T>(
  what: string,
  fn: () => Promise<T>,
  note: (m: string) => void,
): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= RELEASE_TRIES || !isTransientSlurmError(err)) throw err;
      const wait = 500 * 2 ** (i - 1);
      note(
        `${what}: Slurm says not now (${(err as Error).message.split('\n')[0] ?? ''}); trying again in ${wait / 1000} s`,
      );
      await sleep(wait);
    }
  }
}

/**
 * Gives nodes back to Slurm: `scontrol update NodeList=<kept>` per allocation, or `scancel` of an
 * attached allocation left with none. A release Slurm keeps refusing leaves the node with the
 * job: its drained agents are put back to work and the error says so.
 */
export async function releaseNodes(
  p: ReleasePorts,
  jobId: string,
  chosen: HeldNode[],
  actor: Actor,
): Promise<void> {
  const byAllocation = new Map<number, HeldNode[]>();
  for (const h of chosen)
    byAllocation.set(h.allocation.slurmJobId, [
      ...(byAllocation.get(h.allocation.slurmJobId) ?? []),
      h,
    ]);
  for (const [slurmJobId, gone] of byAllocation) {
    const a = p.store.allocations.list(jobId).find((x) => x.slurmJobId === slurmJobId);
    if (!a) continue;
    const names = gone.map((g) => g.node).join(',');
    const keep = a.nodes.filter((n) => !gone.some((g) => g.node === n));
    const note = (m: string) => p.record(jobId, 'scale:retry', actor, m, { slurmJobId });
    try {
      await withRetries(
        `releasing ${names} from Slurm job ${slurmJobId}`,
        () => (keep.length === 0 ? p.slurm.cancel([slurmJobId]) : p.slurm.shrink(slurmJobId, keep)),
        note,
      );
    } catch (err) {
      for (const g of gone)
        for (const agent of g.agents) p.store.agents.update(agent.id, { state: 'active' });
      p.notify(jobId);
      const why = `could not release ${names} from Slurm job ${slurmJobId}: ${(err as Error).message}; the node stays with the job and its agents work again`;
      p.record(jobId, 'scale:failed', actor, why, { slurmJobId, nodes: gone.map((g) => g.node) });
      throw new CliError(why);
    }
    p.store.allocations.update(
      slurmJobId,
      keep.length ? { nodes: keep } : { state: 'ended', nodes: [], endedAt: p.now() },
    );
    if (keep.length) p.store.allocations.noteResized(slurmJobId);
    for (const g of gone)
      for (const agent of g.agents) p.store.agents.update(agent.id, { state: 'gone' });
    p.record(
      jobId,
      'allocation:shrunk',
      actor,
      keep.length
        ? `Slurm job ${slurmJobId} keeps ${keep.join(',')}`
        : `Slurm job ${slurmJobId} cancelled (no node left)`,
      { slurmJobId, keep },
    );
  }
}
