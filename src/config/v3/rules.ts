import { checkComputeResourceName, checkQueueName } from '../ids.js';
import type { Problem } from '../problems.js';
import type { ClusterSpec, QueueSpec } from '../spec.js';

/*
 * ParallelCluster 3's own rules for what cluster-tool writes, taken from aws/aws-parallelcluster
 * at tag v3.11.1 (the newest release): cli/src/pcluster/constants.py,
 * cli/src/pcluster/schemas/cluster_schema.py, cli/src/pcluster/config/cluster_config.py (where each
 * validator is registered) and cli/src/pcluster/validators/*.py. Each rule names its validator.
 */

/** The version these rules were read from. */
export const V3_VERSION = '3.11.1';

/** `Image.Os` values ParallelCluster 3 accepts (constants.py SUPPORTED_OSES; centos7 left in 3.10). */
export const V3_OSES = [
  'alinux2',
  'alinux2023',
  'ubuntu2004',
  'ubuntu2204',
  'rhel8',
  'rocky8',
  'rhel9',
  'rocky9',
] as const;

// constants.py PRIVATE_OSES (OsCustomAmiValidator): no official AMI, so CustomAmi is required.
const PRIVATE_OSES: readonly string[] = ['rocky8', 'rocky9'];

/**
 * OSes NICE DCV runs on, by head node architecture (cli/src/pcluster/cli/commands/dcv_util.py
 * get_supported_dcv_os, used by DcvValidator).
 */
export const V3_DCV_OSES: Readonly<Record<string, readonly string[]>> = {
  x86_64: V3_OSES.filter((os) => os !== 'alinux2023'),
  arm64: ['alinux2', 'rhel8', 'rocky8', 'rhel9', 'rocky9'],
};

// constants.py UNSUPPORTED_FEATURES_MAP: region prefixes where a feature is missing (FeatureRegionValidator).
const DCV_UNSUPPORTED_REGION_PREFIXES = ['us-iso'];
const FSX_LUSTRE_UNSUPPORTED_REGION_PREFIXES = ['us-isob'];

// constants.py NVIDIA_OPENRM_UNSUPPORTED_INSTANCE_TYPES: since 3.8 the official AMIs carry the
// open-source NVIDIA kernel module, which needs a GSP (Turing or newer); InstanceTypeBaseAMICompatibleValidator
// fails these families on any "AWS ParallelCluster AMI".
const OPENRM_UNSUPPORTED_FAMILIES: readonly string[] = ['p3', 'p3dn', 'p2', 'g3', 'g3s', 'g2'];

// constants.py MAX_NUMBER_OF_QUEUES, MAX_COMPUTE_RESOURCES_PER_QUEUE,
// MAX_NUMBER_OF_COMPUTE_RESOURCES_PER_CLUSTER (MaxCountValidator).
const MAX_QUEUES = 50;
const MAX_COMPUTE_RESOURCES_PER_QUEUE = 50;
const MAX_COMPUTE_RESOURCES = 50;

/** Whether ParallelCluster's official AMIs cannot drive this type's GPUs (V100, K80, M60, ...). */
export function isOpenRmUnsupported(instanceType: string): boolean {
  return OPENRM_UNSUPPORTED_FAMILIES.includes(instanceType.split('.')[0] ?? '');
}

/** The advice for an instance type the official AMIs cannot drive. */
export function openRmMessage(instanceType: string, ami: string): string {
  return (
    `${instanceType}'s GPUs are not supported by the open-source NVIDIA driver on ${ami} (ParallelCluster 3.8 and later, ` +
    'InstanceTypeBaseAMICompatibleValidator): pick a Turing-or-newer type (g4dn, g5, g6, p4d, p5), ' +
    "or use a custom AMI built with NVIDIA's closed-source driver (Image.CustomAmi; --custom-ami for config init)"
  );
}

/**
 * How a compute resource names its type: `InstanceType` is refused in a queue with more than one
 * subnet (networking_validators.py SingleInstanceTypeSubnetValidator), where `Instances` is needed.
 */
export function needsInstancesList(queue: Pick<QueueSpec, 'subnetIds'>): boolean {
  return queue.subnetIds.length > 1;
}

/** The message for a queue that uses `InstanceType` with several subnets. */
export const SINGLE_TYPE_SUBNETS_MESSAGE =
  'ParallelCluster refuses InstanceType in a queue with more than one subnet (SingleInstanceTypeSubnetValidator); ' +
  'write `Instances: [{InstanceType: ...}]` instead, or give the queue one subnet';

/** ParallelCluster 3 rules on a spec, as problems with spec paths. */
export function checkV3Spec(spec: ClusterSpec): Problem[] {
  const out: Problem[] = [];
  const err = (path: string, message: string | undefined) => {
    if (message) out.push({ level: 'error', path, message });
  };
  // ImageSchema.os: validate.OneOf(SUPPORTED_OSES)
  if (!(V3_OSES as readonly string[]).includes(spec.os))
    err(
      'os',
      `ParallelCluster ${V3_VERSION} does not accept Image.Os "${spec.os}"; use one of ${V3_OSES.join(', ')}`,
    );
  if (PRIVATE_OSES.includes(spec.os) && spec.customAmi === undefined)
    err(
      'customAmi',
      `ParallelCluster publishes no AMI for ${spec.os} (OsCustomAmiValidator): build one with \`pcluster build-image\` and give its id, or choose another OS`,
    );
  // cluster-tool always enables DCV on the head node; the types it knows are all x86_64.
  const dcvOses = V3_DCV_OSES.x86_64 ?? [];
  if ((V3_OSES as readonly string[]).includes(spec.os) && !dcvOses.includes(spec.os))
    err(
      'os',
      `NICE DCV does not run on ${spec.os} (DcvValidator), and cluster-tool's viewer needs DCV; use one of ${dcvOses.join(', ')}`,
    );
  if (DCV_UNSUPPORTED_REGION_PREFIXES.some((p) => spec.region.startsWith(p)))
    err('region', `NICE DCV is not available in ${spec.region} (FeatureRegionValidator)`);
  if (
    spec.storage.type === 'fsx' &&
    FSX_LUSTRE_UNSUPPORTED_REGION_PREFIXES.some((p) => spec.region.startsWith(p))
  )
    err('region', `FSx for Lustre is not available in ${spec.region} (FeatureRegionValidator)`);
  if (spec.customAmi === undefined) {
    const official = "ParallelCluster's official AMI";
    if (isOpenRmUnsupported(spec.headNode.instanceType))
      err('headNode.instanceType', openRmMessage(spec.headNode.instanceType, official));
    spec.queues.forEach((q, qi) =>
      q.computeResources.forEach((cr, ci) => {
        if (isOpenRmUnsupported(cr.instanceType))
          err(
            `queues.${qi}.computeResources.${ci}.instanceType`,
            openRmMessage(cr.instanceType, official),
          );
      }),
    );
  }
  checkNamesAndCounts(spec, err);
  return out;
}

function checkNamesAndCounts(
  spec: ClusterSpec,
  err: (path: string, message: string | undefined) => void,
): void {
  if (spec.queues.length > MAX_QUEUES)
    err('queues', `ParallelCluster takes at most ${MAX_QUEUES} queues (MaxCountValidator)`);
  const total = spec.queues.reduce((n, q) => n + q.computeResources.length, 0);
  if (total > MAX_COMPUTE_RESOURCES)
    err(
      'queues',
      `ParallelCluster takes at most ${MAX_COMPUTE_RESOURCES} compute resources in a cluster (MaxCountValidator); this has ${total}`,
    );
  const queueNames = new Set<string>();
  spec.queues.forEach((q, qi) => {
    const qp = `queues.${qi}`;
    err(`${qp}.name`, checkQueueName(q.name));
    // DuplicateNameValidator on queues and on each queue's compute resources
    if (queueNames.has(q.name))
      err(`${qp}.name`, `queue name "${q.name}" is used twice; queue names must be unique`);
    queueNames.add(q.name);
    if (q.computeResources.length > MAX_COMPUTE_RESOURCES_PER_QUEUE)
      err(
        qp,
        `ParallelCluster takes at most ${MAX_COMPUTE_RESOURCES_PER_QUEUE} compute resources in a queue (MaxCountValidator)`,
      );
    // QueueSubnetsValidator: no subnet twice (the same-AZ half needs EC2: see `config check --aws`)
    const seen = new Set<string>();
    q.subnetIds.forEach((s, si) => {
      if (seen.has(s))
        err(
          `${qp}.subnetIds.${si}`,
          `subnet ${s} is given twice for queue ${q.name} (QueueSubnetsValidator); give each subnet once`,
        );
      seen.add(s);
    });
    const crNames = new Set<string>();
    q.computeResources.forEach((cr, ci) => {
      const cp = `${qp}.computeResources.${ci}`;
      err(`${cp}.name`, checkComputeResourceName(cr.name));
      if (crNames.has(cr.name))
        err(
          `${cp}.name`,
          `compute resource name "${cr.name}" is used twice in queue ${q.name}; give each instance type once`,
        );
      crNames.add(cr.name);
    });
  });
}
