import type { JobWaiting } from '../../api/types.js';
import type { AgentRow, AllocationRow, JobRow } from '../store/types.js';

/**
 * Whether a job is waiting for Slurm, and why in words. A display state derived from the rows,
 * not a state of the job: the job stays `running` (its work is queued, its allocation asked for)
 * while Slurm has not started it, and nothing that acts on states changes.
 */

/** Slurm's reasons while the nodes a job needs are powered down or booting. */
const NODES_STARTING = new Set(['ReqNodeNotAvail', 'Configuring', 'PowerUpNode', 'NodeDown']);
/** Reasons that are a limit of the user's account or QOS, not a lack of nodes. */
const LIMIT = /^(QOS|Assoc)/;

/** Reasons whose words name the jobs of this coordinator that hold the nodes. */
const FOR_NODES = new Set(['Resources', 'Priority']);

const WORDS: Record<string, string> = {
  BeginTime: 'waiting: its start time has not come',
  Dependency: 'waiting: for the Slurm jobs it depends on',
  JobHeldUser: 'waiting: held (`scontrol release` lets it go)',
  JobHeldAdmin: 'waiting: held by an administrator',
  PartitionDown: 'waiting: the partition is down',
  PartitionInactive: 'waiting: the partition is inactive',
  Reservation: 'waiting: for its reservation',
};

/** How many nodes each of these jobs holds, in words: `4 GPU nodes busy with j1`. */
function busyWith(holders: ReadonlyMap<string, number>): string {
  const nodes = [...holders.values()].reduce((s, n) => s + n, 0);
  const jobs = [...holders.keys()];
  const list = jobs.length > 1 ? `${jobs.slice(0, -1).join(', ')} and ${jobs.at(-1)}` : jobs[0];
  return `${nodes} GPU node${nodes === 1 ? '' : 's'} busy with ${list}`;
}

/**
 * The words for Slurm's reason: `Resources` (it is next, the nodes are busy) and `Priority` (other
 * jobs come first) name this coordinator's jobs holding nodes (`holders`, nodes by job id); other
 * reasons say what Slurm waits on.
 */
export function waitingReason(slurmReason: string, holders: ReadonlyMap<string, number>): string {
  if (slurmReason === 'Resources')
    return holders.size
      ? `waiting for nodes: ${busyWith(holders)}`
      : "waiting for nodes: busy with other users' jobs";
  if (slurmReason === 'Priority')
    return `waiting: priority (other jobs start first${holders.size ? `; ${busyWith(holders)}` : ''})`;
  if (NODES_STARTING.has(slurmReason)) return 'waiting: node starting (about 5 minutes on EC2)';
  if (slurmReason === '' || slurmReason === 'None') return 'waiting: submitted to Slurm';
  if (LIMIT.test(slurmReason))
    return `waiting: over a limit of your account or QOS (Slurm: ${slurmReason})`;
  return WORDS[slurmReason] ?? `waiting (Slurm: ${slurmReason})`;
}

/** What deciding a job's waiting reads: its rows, and every live allocation of the cluster. */
export interface WaitingInput {
  job: Pick<JobRow, 'id' | 'state'>;
  /** The job's allocations. */
  allocations: readonly AllocationRow[];
  /** The job's agents. */
  agents: readonly Pick<AgentRow, 'state'>[];
  /** Every allocation not ended (asked for only when the job waits for nodes). */
  live: () => readonly AllocationRow[];
}

/**
 * Set while the job is queued or running, no agent works for it, and every allocation it has
 * not ended is pending in Slurm's queue; null otherwise.
 */
export function waitingOf(o: WaitingInput): JobWaiting | null {
  if (o.job.state !== 'running' && o.job.state !== 'queued') return null;
  if (o.agents.some((a) => a.state === 'active' || a.state === 'draining')) return null;
  const open = o.allocations.filter((a) => a.state !== 'ended');
  if (!open.length || open.some((a) => a.state !== 'pending')) return null;
  const first = open.find((a) => a.role === 'primary') ?? open[0];
  const slurmReason = first?.reason ?? '';
  const holders = new Map<string, number>();
  if (FOR_NODES.has(slurmReason)) {
    const nodes = new Map<string, Set<string>>();
    for (const a of o.live())
      if (a.jobId !== o.job.id && a.state === 'running' && a.nodes.length) {
        const held = nodes.get(a.jobId) ?? new Set<string>();
        a.nodes.forEach((n) => held.add(n));
        nodes.set(a.jobId, held);
      }
    for (const [jobId, held] of nodes) holders.set(jobId, held.size);
  }
  return {
    reason: waitingReason(slurmReason, holders),
    slurmReason,
    heldBy: [...holders.keys()],
  };
}

/**
 * When the job's work began: its first agent's registration; for a job whose own program runs
 * with no agents (a service), when Slurm started its allocation (`serviceStart`). Null until then.
 */
export function startedAtOf(
  agents: readonly Pick<AgentRow, 'registeredAt'>[],
  serviceStart: () => number | undefined,
): number | null {
  if (agents.length) return Math.min(...agents.map((a) => a.registeredAt));
  return serviceStart() ?? null;
}
