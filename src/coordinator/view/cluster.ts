import type { ClusterView } from '../../api/types.js';
import type { AllocationPort } from '../ports.js';
import type { AllocationRow } from '../store/types.js';

type PartitionNode = Awaited<ReturnType<AllocationPort['partitionNodes']>>[number];

/** The partition's nodes as Slurm reports them, each with the jobs whose live allocations hold it. */
export function clusterView(
  nodes: readonly PartitionNode[],
  allocations: readonly Pick<AllocationRow, 'state' | 'nodes' | 'jobId' | 'slurmJobId'>[],
): ClusterView {
  const live = allocations.filter((a) => a.state !== 'ended');
  return {
    nodes: nodes.map((n) => {
      const held = live.filter((a) => a.nodes.includes(n.name));
      return {
        name: n.name,
        state: n.state,
        flags: n.flags,
        gpus: n.gpus,
        gpusUsed: n.gpusUsed,
        jobId: held[0]?.jobId ?? null,
        slurmJobIds: held.map((a) => a.slurmJobId),
      };
    }),
  };
}
