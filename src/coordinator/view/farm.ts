import type { FarmAgent, FarmJob, FarmView } from '../../api/farm.js';
import type { AgentView, ClusterView, JobSummary } from '../../api/types.js';

/** One open job as the farm page reads it: its summary and its agents. */
export interface FarmInput {
  summary: JobSummary;
  agents: readonly AgentView[];
}

/** The order a queue is shown in: Slurm's start order (scaling/scarce-nodes.ts grows the same way). */
function queueOrder(x: JobSummary, y: JobSummary): number {
  return y.priority - x.priority || x.createdAt - y.createdAt;
}

/**
 * The farm page's view: each node with the agents at work there, and the open jobs in start order
 * with their blocklisted agents. Built from the cluster view, so a node is described once.
 */
export function farmView(cluster: ClusterView, jobs: readonly FarmInput[]): FarmView {
  const withJob = (j: FarmInput, a: AgentView): FarmAgent => ({
    ...a,
    jobId: j.summary.id,
    jobName: j.summary.name,
  });
  const working = jobs.flatMap((j) =>
    j.agents
      .filter((a) => a.state === 'active' || a.state === 'draining')
      .map((a) => withJob(j, a)),
  );
  const queue: FarmJob[] = [...jobs]
    .sort((x, y) => queueOrder(x.summary, y.summary))
    .map((j) => ({
      ...j.summary,
      blocked: j.agents.filter((a) => a.state === 'blocked').map((a) => withJob(j, a)),
    }));
  return {
    nodes: cluster.nodes.map((n) => ({
      ...n,
      agents: working.filter((a) => a.node === n.name).sort((x, y) => x.gpu.localeCompare(y.gpu)),
    })),
    queue,
  };
}
