// One pass of bringing the recorded allocations in line with Slurm: its steps share one listing
// and the ports, and read in the order they run, so they stay in one file.
import type { EventLevel } from '../../api/events.js';
import { jobEnded, type Actor, type RecordFn } from '../history.js';
import { jobTypeOf } from '../jobs/registry.js';
import type { ServiceBehaviour } from '../jobs/job-type.js';
import { allocationEnd } from './allocation-end.js';
import type { AllocationPort } from '../ports.js';
import type { AgentsTable } from '../store/tables/agents.js';
import type { AllocationsTable } from '../store/tables/allocations.js';
import type { EventsTable } from '../store/tables/events.js';
import type { JobsTable } from '../store/tables/jobs.js';
import type { AgentRow, AllocationRow, JobRow } from '../store/types.js';

/** What reconciling allocations with Slurm reads and decides. */
export interface ReconcilePorts {
  store: {
    jobs: Pick<JobsTable, 'get' | 'inState'>;
    allocations: Pick<AllocationsTable, 'list' | 'insert' | 'update' | 'resized'>;
    agents: Pick<AgentsTable, 'list'>;
    events: Pick<EventsTable, 'latest'>;
  };
  slurm: Pick<AllocationPort, 'list' | 'cancel'>;
  record: RecordFn;
  /** sbatch calls not yet recorded (their Slurm jobs are left alone for now). */
  submitsInFlight: () => number;
  allocate: (
    job: JobRow,
    nodes: number,
    role: 'primary',
    actor: Actor,
    why: string,
  ) => Promise<number>;
  finish: (jobId: string, state: 'succeeded' | 'failed', error: string | null) => void;
  /** Whether an ended job's agents are still leaving (its allocations are not cancelled yet). */
  closing?: (jobId: string) => boolean;
  /** Gives an agent up; `level` when its going is routine (see Liveness.drop). */
  dropAgent: (agent: AgentRow, why: string, level?: EventLevel) => void;
  /** The text Slurm wrote for an allocation so far (its --output file), or undefined. */
  allocationOutput: (job: JobRow, slurmJobId: number) => string | undefined;
  jobChanged: (jobId: string) => void;
  /** When each Slurm job was last asked to end (kept between passes). */
  cancelled: Map<number, number>;
  now: () => number;
}

/**
 * A cancelled Slurm job stays listed while it completes (a minute after a slurmctld restart);
 * asking again meanwhile does nothing but load slurmctld, so once per this long at most.
 */
const CANCEL_AGAIN_MS = 10_000;

async function cancelOnce(c: ReconcilePorts, slurmJobId: number): Promise<void> {
  const last = c.cancelled.get(slurmJobId);
  if (last !== undefined && c.now() - last < CANCEL_AGAIN_MS) return;
  c.cancelled.set(slurmJobId, c.now());
  await c.slurm.cancel([slurmJobId]);
}

/** A job whose allocations keep ending before its work is done fails after this many. */
const MAX_PRIMARY_ALLOCATIONS = 5;

/**
 * Whether a pass has anything to compare: a queued or running job, a live allocation, or an
 * sbatch on its way. Without one the loop leaves Slurm alone (squeue on a big cluster is not
 * free); the pass at start-up runs regardless, to adopt what a crash left unrecorded.
 */
export function reconcileNeeded(c: Pick<ReconcilePorts, 'store' | 'submitsInFlight'>): boolean {
  return (
    c.submitsInFlight() > 0 ||
    c.store.jobs.inState('running').length > 0 ||
    c.store.jobs.inState('queued').length > 0 ||
    c.store.allocations.list().some((a) => a.state !== 'ended')
  );
}

/** Whether an agent of allocation `a` registered at or after `t`. */
function registeredSince(c: ReconcilePorts, a: AllocationRow, t: number): boolean {
  return c.store.agents
    .list(a.jobId)
    .some((x) => x.slurmJobId === a.slurmJobId && x.registeredAt >= t);
}

/**
 * Brings the recorded allocations in line with Slurm: adopts this coordinator's Slurm jobs that
 * the store does not know (a crash between sbatch and the write), notes which started or ended,
 * releases allocations of finished jobs, and submits a new one for a running job left with none.
 */
export async function reconcileAllocations(c: ReconcilePorts): Promise<void> {
  // Allocations recorded after this may be missing from the listing: they wait for the next pass.
  const listedFrom = c.now();
  const slurm = await c.slurm.list();
  const byId = new Map(slurm.map((s) => [s.slurmJobId, s]));
  for (const id of c.cancelled.keys()) if (!byId.get(id)?.active) c.cancelled.delete(id);
  const known = new Set(c.store.allocations.list().map((a) => a.slurmJobId));
  const now = c.now();

  for (const s of slurm) {
    if (known.has(s.slurmJobId) || !s.active || c.submitsInFlight() > 0) continue;
    const job = c.store.jobs.get(s.jobId);
    if (!job || job.state !== 'running') {
      await cancelOnce(c, s.slurmJobId);
      continue;
    }
    c.store.allocations.insert({
      slurmJobId: s.slurmJobId,
      jobId: job.id,
      role: s.role,
      state: 'pending',
      nodes: [],
      requestedNodes: s.nodes.length || 1,
      reason: s.reason,
      createdAt: now,
      endedAt: null,
    });
    c.record(job.id, 'allocation:adopted', 'coordinator', `found Slurm job ${s.slurmJobId} again`, {
      slurmJobId: s.slurmJobId,
    });
  }

  for (const a of c.store.allocations.list().filter((x) => x.state !== 'ended')) {
    if (a.createdAt >= listedFrom) continue;
    const s = byId.get(a.slurmJobId);
    const job = c.store.jobs.get(a.jobId);
    if (!s || !s.active) {
      c.store.allocations.update(a.slurmJobId, { state: 'ended', endedAt: now });
      // The coordinator's own doing when the job had ended or it released nodes of the job.
      const ours = jobEnded(job) || c.store.allocations.resized(a.jobId).has(a.slurmJobId);
      const end = allocationEnd(a.slurmJobId, s?.state, ours);
      c.record(
        a.jobId,
        'allocation:ended',
        'coordinator',
        end.message,
        { slurmJobId: a.slurmJobId },
        end.level,
      );
      for (const agent of c.store.agents.list(a.jobId)) {
        if (
          agent.slurmJobId === a.slurmJobId &&
          (agent.state === 'active' || agent.state === 'draining')
        )
          c.dropAgent(agent, 'its allocation ended', 'detail');
      }
      continue;
    }
    if (job && job.state !== 'running') {
      if (!c.closing?.(job.id)) await cancelOnce(c, a.slurmJobId);
      continue;
    }
    const state = s.state === 'RUNNING' ? 'running' : 'pending';
    // An agent that registered after this listing was taken showed the job running (agent-desk.ts
    // startedBy): the listing is older than that, not Slurm putting the job back.
    if (state === 'pending' && a.state === 'running' && registeredSince(c, a, listedFrom)) continue;
    const nodesChanged = s.nodes.join(',') !== a.nodes.join(',');
    if (state !== a.state || nodesChanged || s.reason !== a.reason) {
      c.store.allocations.update(a.slurmJobId, { state, nodes: s.nodes, reason: s.reason });
      if (state === 'running' && a.state !== 'running') {
        c.record(
          a.jobId,
          'allocation:running',
          'coordinator',
          `Slurm job ${a.slurmJobId} running on ${s.nodes.join(',')}`,
          { slurmJobId: a.slurmJobId, nodes: s.nodes },
        );
      } else if (state === 'pending' && a.state === 'running') {
        c.record(
          a.jobId,
          'allocation:requeued',
          'coordinator',
          `Slurm put job ${a.slurmJobId} back in its queue (${s.reason || 'no reason given'}); its agents are given up`,
          { slurmJobId: a.slurmJobId },
        );
        dropAgentsOff(c, a, []);
      } else c.jobChanged(a.jobId);
      // Nodes Slurm took away (a node failed and the job runs on without it): agents there run
      // outside Slurm's control now, so they are told to stop and their tasks go back.
      if (state === 'running' && a.state === 'running' && a.nodes.some((n) => !s.nodes.includes(n)))
        dropAgentsOff(c, a, s.nodes);
    }
  }

  for (const job of c.store.jobs.inState('running')) {
    const allocations = c.store.allocations.list(job.id);
    const service = jobTypeOf(job.kind).service;
    if (service) {
      watchService(c, job, service, allocations);
      continue;
    }
    // A suspended job gave its nodes back on purpose; resuming asks for them again.
    if (job.suspendedAt != null || allocations.some((a) => a.state !== 'ended')) continue;
    const primaries = allocations.filter((a) => a.role === 'primary').length;
    if (primaries >= MAX_PRIMARY_ALLOCATIONS) {
      c.finish(
        job.id,
        'failed',
        `its Slurm allocations ended ${primaries} times before the work was done; see ${job.dir}/logs`,
      );
      continue;
    }
    await c.allocate(
      job,
      job.nodesWanted,
      'primary',
      'coordinator',
      'the job has work left and no allocation',
    );
  }
}

/**
 * Gives up the allocation's active agents on nodes other than `kept`, saying which nodes went.
 * Draining agents are the scaler's, releasing their nodes on purpose: left alone.
 */
function dropAgentsOff(c: ReconcilePorts, a: AllocationRow, kept: string[]): void {
  const lost = c.store.agents
    .list(a.jobId)
    .filter((g) => g.slurmJobId === a.slurmJobId && !kept.includes(g.node) && g.state === 'active');
  if (!lost.length) return;
  const nodes = [...new Set(lost.map((g) => g.node))];
  if (kept.length)
    c.record(
      a.jobId,
      'allocation:lost-nodes',
      'coordinator',
      `Slurm job ${a.slurmJobId} lost ${nodes.join(',')} (a node failure?); it goes on with ${kept.join(',')}`,
      { slurmJobId: a.slurmJobId, lost: nodes, kept },
    );
  for (const agent of lost)
    c.dropAgent(agent, `${agent.node} is no longer part of Slurm job ${a.slurmJobId}`);
}

/**
 * A service (an IndeX session) ends when its primary allocation ends (cancelled, out of time, or
 * failed), and its address is read from the primary's output once the service prints it.
 */
function watchService(
  c: ReconcilePorts,
  job: JobRow,
  service: ServiceBehaviour,
  allocations: AllocationRow[],
): void {
  const primary = allocations.find((a) => a.role === 'primary');
  if (!primary) return;
  if (primary.state === 'ended') {
    for (const a of allocations.filter((x) => x.state !== 'ended'))
      void c.slurm.cancel([a.slurmJobId]).catch(() => {});
    c.finish(job.id, 'succeeded', null);
    return;
  }
  if (c.store.events.latest(job.id, 'session:ready')) return;
  const output = c.allocationOutput(job, primary.slurmJobId);
  const url = output === undefined ? null : service.readyUrl(output);
  if (url) c.record(job.id, 'session:ready', 'coordinator', `service ready at ${url}`, { url });
}
