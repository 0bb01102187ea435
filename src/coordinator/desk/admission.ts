import type { AgentsTable } from '../store/tables/agents.js';
import type { AllocationsTable } from '../store/tables/allocations.js';
import type { JobRow } from '../store/types.js';

/** What an agent says of itself when it registers. */
export interface AgentClaim {
  node: string;
  gpu: string;
  slurmJobId: number;
}

/** What deciding admission reads. */
export interface AdmissionStore {
  allocations: Pick<AllocationsTable, 'list'>;
  agents: Pick<AgentsTable, 'onGpu'>;
}

/**
 * Why an agent may not join `job`, or null when it may: it must run in one of the job's live
 * allocations, on one of its nodes once Slurm has said which, and claim one GPU the allocation
 * holds there, once. (An agent token is the job's, so a token alone must not let anyone invent
 * agents.) Each agent's srun task gets one GPU (`--gpus-per-task=1` on an exclusive node), so its
 * index is below the job's GPUs per node, whether Slurm numbers them on the node or within the
 * step's cgroup.
 */
export function refusal(store: AdmissionStore, job: JobRow, info: AgentClaim): string | null {
  const jobId = job.id;
  const a = store.allocations
    .list(jobId)
    .find((x) => x.slurmJobId === info.slurmJobId && x.state !== 'ended');
  if (!a) return `Slurm job ${info.slurmJobId} is not a live allocation of job ${jobId}`;
  if (a.nodes.length && !a.nodes.includes(info.node))
    return `node ${info.node} is not part of Slurm job ${info.slurmJobId} (${a.nodes.join(',')})`;
  if (!/^(0|[1-9][0-9]{0,3})$/.test(info.gpu) || Number(info.gpu) >= job.gpusPerNode)
    return `GPU ${JSON.stringify(info.gpu)} is not a GPU index of Slurm job ${info.slurmJobId}: it holds ${job.gpusPerNode} a node, one per agent (0 to ${job.gpusPerNode - 1})`;
  const twin = store.agents
    .onGpu(jobId, info.node, info.gpu, info.slurmJobId)
    .find((x) => x.state === 'active' || x.state === 'draining');
  if (twin) return `GPU ${info.gpu} of ${info.node} already has agent ${twin.id}`;
  return null;
}
