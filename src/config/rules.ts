import { closestKnownType, knownGpuCount } from './instance-types.js';
import {
  checkAmiId,
  checkBucketName,
  checkCidr,
  checkFsxId,
  checkInstanceTypeSyntax,
  checkKeyName,
  checkRegion,
  checkSubnetId,
} from './ids.js';
import type { Problem } from './problems.js';
import type { ClusterSpec } from './spec.js';
import { checkV2Spec } from './v2/rules.js';
import { checkV3Spec } from './v3/rules.js';

/** How `checkSpec` words and weighs what it cannot know offline. */
export interface CheckSpecOptions {
  /** The command that asks EC2 about this config, for the unknown-type hint. */
  awsCheckCommand?: string;
  /** EC2 is being asked about the instance types: no hint for types missing from our table. */
  typesFromEc2?: boolean;
}

// EBS's size range for gp3 (what v3 writes) and gp2 (what v2 writes): ParallelCluster 3's
// EbsVolumeTypeSizeValidator (aws/aws-parallelcluster, cli/src/pcluster/validators/ebs_validators.py
// EBS_VOLUME_TYPE_TO_VOLUME_SIZE_BOUNDS) has the same 1..16384 GiB for both.
const EBS_MIN_GIB = 1;
const EBS_MAX_GIB = 16384;

/**
 * The rules on a cluster spec, shared by `config init` (which refuses on errors) and
 * `config check` (which reports them): syntax of every identifier, counts, then the chosen
 * ParallelCluster version's own rules (`v3/rules.ts`, `v2/rules.ts`). Paths are spec paths
 * (`queues.0.computeResources.1.maxCount`); each format renames them to its keys, init to flags.
 * An instance type missing from cluster-tool's table is only a warning: EC2 decides.
 */
export function checkSpec(
  spec: ClusterSpec,
  format: 'v3' | 'v2',
  opts: CheckSpecOptions = {},
): Problem[] {
  const out: Problem[] = [];
  const err = (path: string, message: string | undefined) => {
    if (message) out.push({ level: 'error', path, message });
  };
  const warn = (path: string, message: string) => out.push({ level: 'warning', path, message });

  err('region', checkRegion(spec.region));
  if (spec.keyName !== undefined) err('keyName', checkKeyName(spec.keyName));
  else warn('keyName', 'no SSH key pair: you can reach the head node only through SSM and DCV');
  err('bucket', checkBucketName(spec.bucket));
  err('dcvAllowedCidr', checkCidr(spec.dcvAllowedCidr));
  err('sshAllowedCidr', checkCidr(spec.sshAllowedCidr));
  if (spec.dcvAllowedCidr === '0.0.0.0/0')
    warn('dcvAllowedCidr', 'DCV is open to the whole internet; give your own address/32');
  if (spec.sshAllowedCidr === '0.0.0.0/0')
    warn('sshAllowedCidr', 'SSH is open to the whole internet; give your own address/32');
  err('headNode.subnetId', checkSubnetId(spec.headNode.subnetId));
  checkType(spec.headNode.instanceType, 'headNode.instanceType');
  // DcvValidator warns about these (they have too little memory for the desktop packages).
  if (/micro|nano/.test(spec.headNode.instanceType))
    warn('headNode.instanceType', 'DCV needs at least 1.7 GB of memory; pick a larger head node');

  if (spec.customAmi !== undefined) err('customAmi', checkAmiId(spec.customAmi));
  else if (spec.requiresCustomAmi) {
    err(
      'customAmi',
      `preset "${spec.preset}" runs on its Marketplace AMI: subscribe to it and give its AMI id for ${spec.region}`,
    );
  }
  if (spec.storage.type === 'fsx')
    err('storage.fileSystemId', checkFsxId(spec.storage.fileSystemId));
  else if (spec.storage.sizeGiB < EBS_MIN_GIB || spec.storage.sizeGiB > EBS_MAX_GIB)
    err(
      'storage.sizeGiB',
      `an EBS volume is ${EBS_MIN_GIB} to ${EBS_MAX_GIB} GiB, not ${spec.storage.sizeGiB} (EbsVolumeTypeSizeValidator)`,
    );

  spec.queues.forEach((q, qi) => {
    const qp = `queues.${qi}`;
    if (q.subnetIds.length === 0)
      err(`${qp}.subnetIds`, 'give at least one subnet for the compute nodes');
    q.subnetIds.forEach((s, si) => err(`${qp}.subnetIds.${si}`, checkSubnetId(s)));
    q.computeResources.forEach((cr, ci) => {
      const cp = `${qp}.computeResources.${ci}`;
      checkType(cr.instanceType, `${cp}.instanceType`);
      // v3's SlurmComputeResourceSchema: MinCount >= 0, MaxCount >= 1 (2.8.0 takes a 0 maximum,
      // which starts no node); ComputeResourceSizeValidator and 2.8.0's cluster_validator: max >= min.
      if (cr.minCount < 0) err(`${cp}.minCount`, `MinCount ${cr.minCount} is below 0`);
      if (cr.maxCount < 1)
        out.push({
          level: format === 'v3' ? 'error' : 'warning',
          path: `${cp}.maxCount`,
          message: `MaxCount ${cr.maxCount} is below 1, so no compute node can start; allow at least one node`,
        });
      else if (cr.maxCount < cr.minCount)
        err(
          `${cp}.maxCount`,
          `MaxCount ${cr.maxCount} is below MinCount ${cr.minCount}; raise the maximum or lower the minimum`,
        );
      if (knownGpuCount(cr.instanceType) === 0)
        warn(`${cp}.instanceType`, `${cr.instanceType} has no GPU; agents need one GPU each`);
    });
  });

  out.push(...(format === 'v3' ? checkV3Spec(spec) : checkV2Spec(spec)));
  return out;

  function checkType(type: string, path: string) {
    const syntax = checkInstanceTypeSyntax(type);
    if (syntax) return err(path, syntax);
    if (knownGpuCount(type) !== undefined || opts.typesFromEc2) return;
    const near = closestKnownType(type);
    warn(
      path,
      `${type} is not in cluster-tool's table of instance types${near ? ` (did you mean ${near}?)` : ''}; ` +
        `if it is spelt right, \`${opts.awsCheckCommand ?? 'cluster-tool config check FILE --aws'}\` asks EC2 whether it exists and how many GPUs it has`,
    );
  }
}
