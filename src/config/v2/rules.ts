import { checkVpcId } from '../ids.js';
import { partitionOf } from '../partition.js';
import type { Problem } from '../problems.js';
import { OS_VALUES, type ClusterSpec } from '../spec.js';

/*
 * ParallelCluster 2.8.0's rules (the version the NVIDIA IndeX AMI is tied to), from
 * aws/aws-parallelcluster at tag v2.8.0: cli/pcluster/config/mappings.py (CLUSTER base_os
 * allowed_values, DCV enable), cli/pcluster/config/validators.py (dcv_enabled_validator) and
 * cli/pcluster/dcv/utils.py (get_supported_dcv_os, get_supported_dcv_partition).
 */

/** The version these rules were read from. */
export const V2_VERSION = '2.8.0';

// mappings.py CLUSTER base_os allowed_values, narrowed by get_supported_dcv_os (DCV is always on).
const BASE_OS = ['alinux', 'alinux2', 'ubuntu1604', 'ubuntu1804', 'centos6', 'centos7'];
const DCV_OS = ['centos7', 'ubuntu1804', 'alinux2'];
const DCV_PARTITIONS = ['aws', 'aws-cn'];

/** `base_os` values 2.8.0 accepts with DCV enabled that cluster-tool can write. */
export const V2_OSES: readonly string[] = OS_VALUES.filter(
  (os) => BASE_OS.includes(os) && DCV_OS.includes(os),
);

/** ParallelCluster 2.8.0 rules on a spec, as problems with spec paths. */
export function checkV2Spec(spec: ClusterSpec): Problem[] {
  const out: Problem[] = [];
  const err = (path: string, message: string | undefined) => {
    if (message) out.push({ level: 'error', path, message });
  };
  if (!V2_OSES.includes(spec.os))
    err(
      'os',
      `ParallelCluster ${V2_VERSION} with DCV does not accept base_os "${spec.os}" (mappings.py base_os, dcv_enabled_validator); use ${V2_OSES.join(' or ')}`,
    );
  if (!DCV_PARTITIONS.includes(partitionOf(spec.region)))
    err(
      'region',
      `ParallelCluster ${V2_VERSION} has no NICE DCV in ${spec.region} (dcv_enabled_validator: partitions ${DCV_PARTITIONS.join(', ')} only)`,
    );
  // 2.8.0 has one compute fleet of one instance type ([cluster] compute_instance_type).
  if (spec.queues.length !== 1 || spec.queues[0]?.computeResources.length !== 1)
    err(
      'queues',
      'the 2.x format has one compute instance type; give exactly one --compute-instance-type',
    );
  if (spec.queues.some((q) => q.subnetIds.length > 1))
    err('queues.0.subnetIds', 'the 2.x format takes one compute subnet ([vpc] compute_subnet_id)');
  if (spec.vpcId === undefined)
    err('vpcId', 'the 2.x format needs the VPC id of the subnets (vpc-...)');
  else err('vpcId', checkVpcId(spec.vpcId));
  return out;
}
