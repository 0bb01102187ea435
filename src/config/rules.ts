import { knownGpuCount } from './instance-types.js';
import {
  checkAmiId,
  checkBucketName,
  checkCidr,
  checkComputeResourceName,
  checkFsxId,
  checkInstanceTypeSyntax,
  checkKeyName,
  checkQueueName,
  checkRegion,
  checkSubnetId,
  checkVpcId,
} from './ids.js';
import type { Problem } from './problems.js';
import type { ClusterSpec } from './spec.js';

/** OSes ParallelCluster 2.x knows (`base_os`). */
const V2_OS = new Set(['alinux2', 'centos7', 'ubuntu1804', 'ubuntu2004']);

/**
 * Cross-field and syntax rules on a cluster spec, shared by `config init` and `config check`.
 * Paths are spec paths (`queues.0.computeResources.1.maxCount`); each format renames them to
 * its own keys. `unknownTypeLevel` says how sure we are that a type missing from our table is
 * wrong: `config init` errors, `config check` warns and defers to EC2 with `--aws`.
 */
export function checkSpec(
  spec: ClusterSpec,
  format: 'v3' | 'v2',
  opts: { unknownTypeLevel?: 'error' | 'warning' } = {},
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

  if (spec.customAmi !== undefined) err('customAmi', checkAmiId(spec.customAmi));
  else if (spec.requiresCustomAmi) {
    err(
      'customAmi',
      `preset "${spec.preset}" runs on its Marketplace AMI: subscribe to it and give its AMI id for ${spec.region}`,
    );
  }
  if (spec.storage.type === 'fsx')
    err('storage.fileSystemId', checkFsxId(spec.storage.fileSystemId));

  const queueNames = new Set<string>();
  spec.queues.forEach((q, qi) => {
    const qp = `queues.${qi}`;
    err(`${qp}.name`, checkQueueName(q.name));
    if (queueNames.has(q.name))
      err(`${qp}.name`, `queue name "${q.name}" is used twice; queue names must be unique`);
    queueNames.add(q.name);
    if (q.subnetIds.length === 0)
      err(`${qp}.subnetIds`, 'give at least one subnet for the compute nodes');
    q.subnetIds.forEach((s, si) => err(`${qp}.subnetIds.${si}`, checkSubnetId(s)));
    const crNames = new Set<string>();
    q.computeResources.forEach((cr, ci) => {
      const cp = `${qp}.computeResources.${ci}`;
      err(`${cp}.name`, checkComputeResourceName(cr.name));
      if (crNames.has(cr.name))
        err(`${cp}.name`, `compute resource name "${cr.name}" is used twice in queue ${q.name}`);
      crNames.add(cr.name);
      checkType(cr.instanceType, `${cp}.instanceType`);
      if (cr.maxCount < cr.minCount) {
        err(
          `${cp}.maxCount`,
          `MaxCount ${cr.maxCount} is below MinCount ${cr.minCount}; raise the maximum or lower the minimum`,
        );
      }
      if (knownGpuCount(cr.instanceType) === 0)
        warn(`${cp}.instanceType`, `${cr.instanceType} has no GPU; agents need one GPU each`);
    });
  });

  if (format === 'v2') checkV2Limits(spec, out);
  return out;

  function checkType(type: string, path: string) {
    const syntax = checkInstanceTypeSyntax(type);
    if (syntax) return err(path, syntax);
    if (knownGpuCount(type) === undefined) {
      out.push({
        level: opts.unknownTypeLevel ?? 'error',
        path,
        message: `unknown instance type "${type}"; check the spelling, or run \`cluster-tool config check FILE --aws\` to ask EC2`,
      });
    }
  }
}

// ParallelCluster 2.8.0 (the IndeX AMI's version) has one compute fleet of one instance type.
function checkV2Limits(spec: ClusterSpec, out: Problem[]): void {
  if (!V2_OS.has(spec.os)) {
    out.push({
      level: 'error',
      path: 'os',
      message: `ParallelCluster 2.x does not know "${spec.os}"; use one of ${[...V2_OS].join(', ')}`,
    });
  }
  if (spec.queues.length !== 1 || spec.queues[0]?.computeResources.length !== 1) {
    out.push({
      level: 'error',
      path: 'queues',
      message:
        'the 2.x format has one compute instance type; give exactly one --compute-instance-type',
    });
  }
  if (spec.queues.some((q) => q.subnetIds.length > 1)) {
    out.push({
      level: 'error',
      path: 'queues.0.subnetIds',
      message: 'the 2.x format takes one compute subnet',
    });
  }
  if (spec.vpcId === undefined) {
    out.push({
      level: 'error',
      path: 'vpcId',
      message: 'the 2.x format needs the VPC id of the subnets (vpc-...)',
    });
  } else {
    const bad = checkVpcId(spec.vpcId);
    if (bad) out.push({ level: 'error', path: 'vpcId', message: bad });
  }
}
