// One file, over 8 KB: ParallelCluster's own checks of a v3 spec, each citing its release; they
// share the spec's queues and counts, and split by topic each would walk them again.
import { checkComputeResourceName, checkQueueName } from '../ids.js';
import { loadPreset } from '../presets.js';
import type { Problem } from '../problems.js';
import type { ClusterSpec, QueueSpec } from '../spec.js';
import { isOpenRmUnsupported, openRmMessage } from './nvidia.js';
import { dcvOses, dcvRefusal, osRefusal, strategyProblem } from './release-rules.js';
import { DEFAULT_RELEASE_TEXT, parseRelease, showRelease, type Release } from './releases.js';

/*
 * ParallelCluster 3's own rules for what cluster-tool writes, taken from aws/aws-parallelcluster
 * at tag v3.11.1: cli/src/pcluster/constants.py, cli/src/pcluster/schemas/cluster_schema.py,
 * cli/src/pcluster/config/cluster_config.py (where each validator is registered) and
 * cli/src/pcluster/validators/*.py. Each rule names its validator. What changed in 3.12-3.16 is
 * in `release-rules.ts`; the release a spec is for is its `pclusterVersion`.
 */

// constants.py PRIVATE_OSES (OsCustomAmiValidator): no official AMI, so CustomAmi is required.
const PRIVATE_OSES: readonly string[] = ['rocky8', 'rocky9'];

// constants.py UNSUPPORTED_FEATURES_MAP: region prefixes where a feature is missing (FeatureRegionValidator).
const DCV_UNSUPPORTED_REGION_PREFIXES = ['us-iso'];
const FSX_LUSTRE_UNSUPPORTED_REGION_PREFIXES = ['us-isob'];

// constants.py MAX_NUMBER_OF_QUEUES, MAX_COMPUTE_RESOURCES_PER_QUEUE,
// MAX_NUMBER_OF_COMPUTE_RESOURCES_PER_CLUSTER (MaxCountValidator).
const MAX_QUEUES = 50;
const MAX_COMPUTE_RESOURCES_PER_QUEUE = 50;
const MAX_COMPUTE_RESOURCES = 50;

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

/**
 * The release a spec is for, or why its `pclusterVersion` cannot be read. A spec without one is
 * for the current release (`DEFAULT_RELEASE_TEXT`).
 */
export function specRelease(spec: Pick<ClusterSpec, 'pclusterVersion'>): Release | string {
  return parseRelease(spec.pclusterVersion ?? DEFAULT_RELEASE_TEXT);
}

/** ParallelCluster 3 rules on a spec, for the release it names, as problems with spec paths. */
export function checkV3Spec(spec: ClusterSpec): Problem[] {
  const out: Problem[] = [];
  const err = (path: string, message: string | undefined) => {
    if (message) out.push({ level: 'error', path, message });
  };
  const warn = (path: string, message: string) => out.push({ level: 'warning', path, message });
  const release = specRelease(spec);
  if (typeof release === 'string') {
    err('pclusterVersion', release);
    return out;
  }
  // ImageSchema.os: validate.OneOf(SUPPORTED_OSES) of the release.
  const refused = osRefusal(spec.os, release);
  err('os', refused);
  if (PRIVATE_OSES.includes(spec.os) && spec.customAmi === undefined)
    err(
      'customAmi',
      `ParallelCluster publishes no AMI for ${spec.os} (OsCustomAmiValidator): build one with \`pcluster build-image\` and give its id, or choose another OS`,
    );
  // cluster-tool always enables DCV on the head node; the types it knows are all x86_64.
  if (!refused && !dcvOses(release, 'x86_64').includes(spec.os))
    err('os', dcvRefusal(spec.os, release, 'x86_64'));
  if (DCV_UNSUPPORTED_REGION_PREFIXES.some((p) => spec.region.startsWith(p)))
    err('region', `Amazon DCV is not available in ${spec.region} (FeatureRegionValidator)`);
  if (spec.storage.type === 'fsx') {
    if (FSX_LUSTRE_UNSUPPORTED_REGION_PREFIXES.some((p) => spec.region.startsWith(p)))
      err('region', `FSx for Lustre is not available in ${spec.region} (FeatureRegionValidator)`);
    // 3.13.0 release notes: the official Ubuntu 24.04 AMI does not support Lustre.
    if (spec.os === 'ubuntu2404' && spec.customAmi === undefined)
      warn(
        'storage.fileSystemId',
        "ParallelCluster's official ubuntu2404 AMI has no Lustre client (3.13.0 release notes), so /shared may not mount: pick --os ubuntu2204, or use --ebs-size",
      );
  }
  checkGpus(spec, release, err, warn);
  spec.queues.forEach((q, qi) => {
    if (q.allocationStrategy === undefined) return;
    const p = strategyProblem(q.allocationStrategy, q.capacityType, release);
    if (!p) return;
    // InstancesAllocationStrategyValidator runs on compute resources listed under `Instances` only.
    const level = p.capacityOnly && !needsInstancesList(q) ? 'warning' : p.level;
    out.push({ level, path: `queues.${qi}.allocationStrategy`, message: p.message });
  });
  checkNamesAndCounts(spec, err);
  return out;
}

/** V100s and older GPUs: the official AMI cannot drive them; on 3.15+ CUDA cannot build for them. */
function checkGpus(
  spec: ClusterSpec,
  release: Release,
  err: (path: string, message: string) => void,
  warn: (path: string, message: string) => void,
): void {
  const types = [
    { type: spec.headNode.instanceType, path: 'headNode.instanceType' },
    ...spec.queues.flatMap((q, qi) =>
      q.computeResources.map((cr, ci) => ({
        type: cr.instanceType,
        path: `queues.${qi}.computeResources.${ci}.instanceType`,
      })),
    ),
  ].filter((t) => isOpenRmUnsupported(t.type));
  // A Marketplace AMI preset (IndeX) already says which AMI it needs.
  if (spec.customAmi === undefined && !spec.requiresCustomAmi) {
    const where = {
      preset: voltaImagePreset(spec.preset),
      bucket: spec.bucket,
      region: spec.region,
      os: spec.os,
      // The image config must be for the same release: its driver choice depends on it.
      pclusterVersion:
        spec.pclusterVersion === DEFAULT_RELEASE_TEXT ? undefined : spec.pclusterVersion,
    };
    for (const t of types) err(t.path, openRmMessage(t.type, where));
  }
  // 3.15.0 release notes: CUDA 13, which builds no code for Volta (sm_70) or older.
  const first = types.find((t) => t.path !== 'headNode.instanceType');
  if (spec.customAmi !== undefined && release.minor >= 15 && first)
    warn(
      first.path,
      `ParallelCluster ${showRelease(release)} AMIs carry CUDA 13, which compiles nothing for ${first.type}'s GPUs: a CUDA extension built on the nodes (Plenoxels' svox2, \`cluster-tool setup svox2\`) needs a CUDA 12 toolkit there`,
    );
}

/** The preset whose custom AMI drives V100s: this one when its own queues have them, else blender-p3. */
function voltaImagePreset(preset: string): string {
  try {
    const p = loadPreset(preset);
    const volta = p.queues.some((q) =>
      q.computeResources.some((cr) => isOpenRmUnsupported(cr.instanceType)),
    );
    return volta && !p.requiresCustomAmi ? preset : 'blender-p3';
  } catch {
    return 'blender-p3'; // a hand-written file names no preset
  }
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
