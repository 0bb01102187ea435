import { UsageError } from '../errors.js';
import { NODE_RUNTIME_VALUES, type NodeRuntime } from './os-support.js';
import type { Preset } from './presets.js';
import { OS_VALUES, SHARED_MOUNT_DIR, type ClusterSpec, type QueueSpec } from './spec.js';
import { V2_OSES, V2_VERSION } from './v2/rules.js';
import { releaseOses } from './v3/release-rules.js';
import { DEFAULT_RELEASE_TEXT, parseRelease, showRelease } from './v3/releases.js';

/** `config init` flags; every one overrides the preset. Counts take `N` or `QUEUE=N`. */
export interface InitFlags {
  region?: string;
  keyName?: string;
  headSubnet?: string;
  computeSubnet?: string[];
  headInstanceType?: string;
  computeInstanceType?: string[];
  minCount?: string[];
  maxCount?: string[];
  customAmi?: string;
  os?: string;
  ebsSize?: number;
  fsxId?: string;
  dcvCidr?: string;
  sshCidr?: string;
  bucket?: string;
  capacityType?: 'spot' | 'ondemand';
  vpcId?: string;
  nodeRuntime?: string;
  /** The ParallelCluster 3 release to write for; default `DEFAULT_RELEASE_TEXT`. */
  pclusterVersion?: string;
  /** `AllocationStrategy` of every queue; left out, ParallelCluster's default. */
  allocationStrategy?: string;
}

const REQUIRED: [keyof InitFlags, string][] = [
  ['region', '--region'],
  ['keyName', '--key-name'],
  ['headSubnet', '--head-subnet'],
  ['bucket', '--bucket'],
  ['dcvCidr', '--dcv-cidr'],
];

/**
 * Applies flags over a preset to get a cluster spec. Only fails for what the spec cannot hold
 * (a missing required value, a count that is not a number); `checkSpec` judges the values.
 */
export function buildSpec(preset: Preset, flags: InitFlags): ClusterSpec {
  const missing = REQUIRED.filter(([k]) => flags[k] === undefined || flags[k] === '').map(
    ([, f]) => f,
  );
  if (missing.length) {
    throw new UsageError(
      `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required (no preset can know your account's values). ` +
        'For --dcv-cidr use your own address, e.g. `echo "$(curl -s https://checkip.amazonaws.com)/32"`.',
    );
  }
  if (flags.ebsSize !== undefined && flags.fsxId !== undefined) {
    throw new UsageError(
      'give either --ebs-size (a new EBS volume) or --fsx-id (an existing FSx for Lustre), not both',
    );
  }
  const release = parseRelease(flags.pclusterVersion ?? DEFAULT_RELEASE_TEXT);
  if (typeof release === 'string') throw new UsageError(`--pcluster-version: ${release}`);
  if (flags.os !== undefined && !(OS_VALUES as readonly string[]).includes(flags.os)) {
    throw new UsageError(
      `--os "${flags.os}" is not an OS cluster-tool writes; ParallelCluster ${showRelease(release)} (--format v3) takes ${releaseOses(release).join(', ')}; ${V2_VERSION} (legacy --format v2) takes ${V2_OSES.join(', ')}`,
    );
  }
  if (
    flags.nodeRuntime !== undefined &&
    !(NODE_RUNTIME_VALUES as readonly string[]).includes(flags.nodeRuntime)
  ) {
    throw new UsageError(
      `--node-runtime "${flags.nodeRuntime}" is not one of ${NODE_RUNTIME_VALUES.join(', ')}`,
    );
  }
  const headSubnet = flags.headSubnet ?? '';
  const computeSubnets = flags.computeSubnet?.length ? flags.computeSubnet : [headSubnet];
  let queues: QueueSpec[] = preset.queues.map((q) => ({
    name: q.name,
    capacityType: flags.capacityType
      ? flags.capacityType === 'spot'
        ? 'SPOT'
        : 'ONDEMAND'
      : q.capacityType,
    subnetIds: computeSubnets,
    computeResources: q.computeResources.map((cr) => ({ ...cr })),
    ...(flags.allocationStrategy !== undefined
      ? { allocationStrategy: flags.allocationStrategy }
      : {}),
  }));
  if (flags.computeInstanceType?.length) {
    // Replacing the types replaces the first queue's compute resources, one per type, with the
    // preset's first counts as the starting point.
    const [first, ...rest] = queues;
    const base = first?.computeResources[0];
    if (!first || !base) throw new Error('preset has no compute resource');
    first.computeResources = flags.computeInstanceType.map((t) => ({
      ...base,
      name: resourceName(t),
      instanceType: t,
    }));
    queues = [first, ...rest];
  }
  applyCounts(queues, flags.minCount, 'minCount', '--min-count');
  applyCounts(queues, flags.maxCount, 'maxCount', '--max-count');
  const dcv = flags.dcvCidr ?? '';
  return {
    preset: preset.name,
    region: flags.region ?? '',
    keyName: flags.keyName ?? '',
    os: (flags.os as ClusterSpec['os'] | undefined) ?? preset.os,
    customAmi: flags.customAmi,
    requiresCustomAmi: preset.requiresCustomAmi,
    headNode: {
      instanceType: flags.headInstanceType ?? preset.headNode.instanceType,
      subnetId: headSubnet,
    },
    queues,
    storage:
      flags.fsxId !== undefined
        ? { type: 'fsx', fileSystemId: flags.fsxId, mountDir: SHARED_MOUNT_DIR }
        : flags.ebsSize !== undefined || preset.storage.type === 'ebs'
          ? {
              type: 'ebs',
              sizeGiB:
                flags.ebsSize ?? (preset.storage.type === 'ebs' ? preset.storage.sizeGiB : 200),
              mountDir: SHARED_MOUNT_DIR,
            }
          : { type: 'fsx', fileSystemId: preset.storage.fileSystemId, mountDir: SHARED_MOUNT_DIR },
    dcvAllowedCidr: dcv,
    sshAllowedCidr: flags.sshCidr ?? dcv,
    bucket: flags.bucket ?? '',
    vpcId: flags.vpcId,
    nodeRuntime: (flags.nodeRuntime as NodeRuntime | undefined) ?? preset.nodeRuntime,
    pclusterVersion: showRelease(release),
  };
}

/** A compute resource name ParallelCluster accepts, from an instance type (g5.12xlarge -> g5-12xlarge). */
export function resourceName(instanceType: string): string {
  const name = instanceType
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(name) ? name.slice(0, 25) : `cr-${name}`.slice(0, 25);
}

function applyCounts(
  queues: QueueSpec[],
  values: string[] | undefined,
  key: 'minCount' | 'maxCount',
  flag: string,
): void {
  for (const raw of values ?? []) {
    const m = /^(?:([^=]+)=)?(\d+)$/.exec(String(raw).trim());
    if (!m)
      throw new UsageError(`${flag} "${raw}" must be a whole number, or QUEUE=N for one queue`);
    const [, queue, n] = m;
    const targets = queue === undefined ? queues : queues.filter((q) => q.name === queue);
    if (targets.length === 0) {
      throw new UsageError(
        `${flag} names queue "${queue}", which the preset does not have (it has: ${queues.map((q) => q.name).join(', ')})`,
      );
    }
    for (const q of targets) for (const cr of q.computeResources) cr[key] = Number(n);
  }
}

/** The flag that sets a spec path, for init's error messages. */
export function flagForSpecPath(path: string): string {
  const table: [RegExp, string][] = [
    [/^region$/, '--region'],
    [/^keyName$/, '--key-name'],
    [/^bucket$/, '--bucket'],
    [/^dcvAllowedCidr$/, '--dcv-cidr'],
    [/^sshAllowedCidr$/, '--ssh-cidr'],
    [/^headNode\.subnetId$/, '--head-subnet'],
    [/^headNode\.instanceType$/, '--head-instance-type'],
    [/^customAmi$/, '--custom-ami'],
    [/^os$/, '--os'],
    [/^vpcId$/, '--vpc-id'],
    [/^nodeRuntime$/, '--node-runtime'],
    [/^pclusterVersion$/, '--pcluster-version'],
    [/^queues\.\d+\.allocationStrategy$/, '--allocation-strategy'],
    [/^storage\.sizeGiB$/, '--ebs-size'],
    [/^storage\./, '--fsx-id'],
    [/^queues\.\d+\.subnetIds/, '--compute-subnet'],
    [/^queues\.\d+\.computeResources\.\d+\.(instanceType|name)$/, '--compute-instance-type'],
    [/^queues\.\d+\.computeResources\.\d+\.maxCount$/, '--max-count'],
    [/^queues\.\d+\.computeResources\.\d+\.minCount$/, '--min-count'],
    [/^queues(\.\d+)?$/, '--compute-instance-type'],
  ];
  return table.find(([re]) => re.test(path))?.[1] ?? path;
}
