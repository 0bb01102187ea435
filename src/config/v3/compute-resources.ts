import type { Problem } from '../problems.js';
import type { ComputeResourceSpec } from '../spec.js';
import { needsInstancesList, SINGLE_TYPE_SUBNETS_MESSAGE } from './rules.js';
import type { SlurmQueueV3 } from './schema.js';
import type { z } from 'zod';

/**
 * A queue's compute resources as specs. Each must name its type one way, `InstanceType` or
 * `Instances` (SlurmComputeResourceSchema), the way its queue's subnets require
 * (SingleInstanceTypeSubnetValidator), and one type only: cluster-tool sizes Slurm's GPUs and
 * the agents per node from it.
 */
export function readComputeResources(
  queue: z.infer<typeof SlurmQueueV3>,
  qi: number,
  problems: Problem[],
): ComputeResourceSpec[] {
  const multiSubnet = needsInstancesList({ subnetIds: queue.Networking.SubnetIds });
  return queue.ComputeResources.map((cr, ci) => {
    const path = `Scheduling.SlurmQueues[${qi}].ComputeResources[${ci}]`;
    const error = (where: string, message: string) =>
      problems.push({ level: 'error', path: `${path}.${where}`, message });
    const listed = cr.Instances?.map((i) => i.InstanceType) ?? [];
    if (cr.InstanceType !== undefined && cr.Instances !== undefined)
      error('Instances', 'give either InstanceType or Instances, not both');
    else if (cr.InstanceType === undefined && cr.Instances === undefined)
      error('InstanceType', 'give the instance type (InstanceType, or Instances with one entry)');
    else if (cr.InstanceType !== undefined && multiSubnet)
      error('InstanceType', SINGLE_TYPE_SUBNETS_MESSAGE);
    if (listed.length > 1)
      error(
        'Instances',
        'cluster-tool needs one instance type per compute resource (it sizes GPUs per node from it); give each type its own compute resource',
      );
    return {
      name: cr.Name,
      instanceType: cr.InstanceType ?? listed[0] ?? '',
      minCount: cr.MinCount ?? 0,
      maxCount: cr.MaxCount ?? 10,
    };
  });
}
