import type { Problem } from './problems.js';
import type { ClusterSpec } from './spec.js';
import {
  isOpenRmUnsupported,
  KERNEL_MODULE_TAG,
  OPENRM_SUPPRESS_FLAG,
  presetImageId,
} from './v3/nvidia.js';
import { dcvOses, dcvRefusal } from './v3/release-rules.js';
import { releaseOf } from './v3/releases.js';

/** What EC2 said about the resources a spec names; `undefined` entries do not exist there. */
export interface Ec2Facts {
  types: Record<string, InstanceTypeFacts | undefined>;
  /** The custom AMI: `undefined` when the spec has none, `null` when EC2 does not show it. */
  image?: { state?: string; description?: string; tags?: Record<string, string> } | null;
  subnets: Record<string, { vpcId?: string; availabilityZone?: string } | undefined>;
  /** Whether the key pair exists; `undefined` when the spec has none. */
  keyPair?: boolean;
}

/** One instance type as DescribeInstanceTypes describes it. */
export interface InstanceTypeFacts {
  gpus: number;
  /** GPU makers, e.g. NVIDIA, AMD. */
  gpuMakers: string[];
  /** e.g. x86_64, arm64. */
  architectures: string[];
}

// ParallelCluster names its own AMIs so; InstanceTypeBaseAMICompatibleValidator looks for it.
const PCLUSTER_AMI_DESCRIPTION = 'AWS ParallelCluster AMI';

/**
 * The rules that need EC2's answers, with spec paths: existence, one VPC, one subnet per AZ in a
 * queue, matching architectures, DCV on the head node's architecture, GPU drivers on the AMI.
 * ParallelCluster 3 sources (aws/aws-parallelcluster v3.11.1, cli/src/pcluster/validators/; DCV's
 * OSes by release in `v3/release-rules.ts`):
 * networking_validators.py SubnetsValidator and QueueSubnetsValidator, cluster_validators.py
 * InstanceArchitectureCompatibilityValidator and DcvValidator, ec2_validators.py
 * InstanceTypeBaseAMICompatibleValidator and InstanceTypeAcceleratorManufacturerValidator.
 */
export function checkEc2Facts(spec: ClusterSpec, format: 'v3' | 'v2', facts: Ec2Facts): Problem[] {
  const out: Problem[] = [];
  const err = (path: string, message: string) => out.push({ level: 'error', path, message });
  const warn = (path: string, message: string) => out.push({ level: 'warning', path, message });
  const compute = spec.queues.flatMap((q, qi) =>
    q.computeResources.map((cr, ci) => ({
      type: cr.instanceType,
      path: `queues.${qi}.computeResources.${ci}.instanceType`,
    })),
  );
  const head = facts.types[spec.headNode.instanceType];
  const headArch = head?.architectures[0];

  for (const { type, path } of [
    { type: spec.headNode.instanceType, path: 'headNode.instanceType' },
    ...compute,
  ]) {
    const info = facts.types[type];
    if (!info) {
      err(
        path,
        `instance type ${type} is not offered in ${spec.region}; pick another type or region`,
      );
      continue;
    }
    if (path === 'headNode.instanceType') continue;
    if (info.gpus === 0) warn(path, `${type} has no GPU; agents need one GPU each`);
    else if (info.gpuMakers.some((m) => m.toUpperCase() !== 'NVIDIA'))
      warn(
        path,
        `${type}'s GPUs are not NVIDIA's; ParallelCluster and cluster-tool's agents drive NVIDIA GPUs only`,
      );
    if (headArch && !info.architectures.includes(headArch))
      err(
        path,
        `${type} runs ${info.architectures.join('/')}, the head node ${headArch}; pick types of one architecture`,
      );
  }
  if (format === 'v3' && headArch) {
    const release = releaseOf(spec.pclusterVersion);
    if (!dcvOses(release, headArch).includes(spec.os))
      err('os', dcvRefusal(spec.os, release, headArch));
  }

  if (facts.image === null)
    err(
      'customAmi',
      `AMI ${spec.customAmi} does not exist in ${spec.region} or you cannot use it (subscribe to it in the Marketplace, or copy it to this region)`,
    );
  else if (facts.image?.state && facts.image.state !== 'available')
    err('customAmi', `AMI ${spec.customAmi} is ${facts.image.state}, not available`);
  else if (format === 'v3' && facts.image?.description?.includes(PCLUSTER_AMI_DESCRIPTION)) {
    // build-image describes every AMI it makes so, whatever its kernel module: only the tag
    // `config image` writes tells an AMI built with the closed one.
    const closed = facts.image.tags?.[KERNEL_MODULE_TAG] === 'closed';
    for (const { type, path } of [
      { type: spec.headNode.instanceType, path: 'headNode.instanceType' },
      ...compute,
    ]) {
      if (!isOpenRmUnsupported(type)) continue;
      if (closed)
        warn(
          path,
          `AMI ${spec.customAmi} carries NVIDIA's closed kernel module for ${type}, but InstanceTypeBaseAMICompatibleValidator cannot tell: create the cluster with ${OPENRM_SUPPRESS_FLAG}`,
        );
      else
        err(
          path,
          `AMI ${spec.customAmi} is a ParallelCluster AMI with NVIDIA's open kernel module, which cannot drive ${type}'s GPUs (InstanceTypeBaseAMICompatibleValidator): build one with \`cluster-tool config image --preset blender-p3 ...\` and \`pcluster build-image --image-id ${presetImageId('blender-p3')} ...\``,
        );
    }
  }

  const subnetPath = new Map<string, string>([[spec.headNode.subnetId, 'headNode.subnetId']]);
  spec.queues.forEach((q, qi) =>
    q.subnetIds.forEach((s, si) =>
      subnetPath.set(s, subnetPath.get(s) ?? `queues.${qi}.subnetIds.${si}`),
    ),
  );
  const vpcs = new Set<string>();
  for (const [subnet, path] of subnetPath) {
    const found = facts.subnets[subnet];
    if (!found) err(path, `subnet ${subnet} does not exist in ${spec.region}`);
    else if (found.vpcId) vpcs.add(found.vpcId);
  }
  if (vpcs.size > 1)
    err(
      'headNode.subnetId',
      `the subnets are in different VPCs (${[...vpcs].join(', ')}); use subnets of one VPC`,
    );
  if (spec.vpcId && vpcs.size === 1 && !vpcs.has(spec.vpcId))
    err('vpcId', `the subnets are in ${[...vpcs].join('')}, not ${spec.vpcId}`);
  spec.queues.forEach((q, qi) => {
    const byAz = new Map<string, string>();
    q.subnetIds.forEach((s, si) => {
      const az = facts.subnets[s]?.availabilityZone;
      const other = az ? byAz.get(az) : undefined;
      if (az && other && other !== s)
        err(
          `queues.${qi}.subnetIds.${si}`,
          `subnets ${other} and ${s} are both in ${az}; a queue's subnets must be in different Availability Zones (QueueSubnetsValidator)`,
        );
      if (az) byAz.set(az, s);
    });
  });

  if (facts.keyPair === false)
    err(
      'keyName',
      `key pair "${spec.keyName}" does not exist in ${spec.region}; create or import it there`,
    );
  return out;
}
