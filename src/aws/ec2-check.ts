import {
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  DescribeKeyPairsCommand,
  DescribeSubnetsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { Problem } from '../config/problems.js';
import type { ClusterSpec } from '../config/spec.js';
import { callAws, isNotFound, type RetryOptions } from './errors.js';

/** What EC2 said about a spec: problems (with spec paths) and GPUs per instance type. */
export interface Ec2CheckResult {
  problems: Problem[];
  /** NVIDIA GPUs per instance type; Slurm's GPUs per node for that compute resource. */
  gpusByType: Record<string, number>;
}

/**
 * Asks EC2 whether the spec's instance types, AMI, subnets and key pair exist in its region.
 * A missing resource is a finding; a failed call (denied, throttled) throws `AwsCallError`.
 */
export async function checkSpecWithEc2(
  ec2: EC2Client,
  spec: ClusterSpec,
  retry?: RetryOptions,
): Promise<Ec2CheckResult> {
  const problems: Problem[] = [];
  const gpusByType: Record<string, number> = {};
  const typePaths = new Map<string, string[]>();
  const addType = (t: string, path: string) =>
    typePaths.set(t, [...(typePaths.get(t) ?? []), path]);
  addType(spec.headNode.instanceType, 'headNode.instanceType');
  spec.queues.forEach((q, qi) =>
    q.computeResources.forEach((cr, ci) =>
      addType(cr.instanceType, `queues.${qi}.computeResources.${ci}.instanceType`),
    ),
  );

  // One call per type: a single unknown type makes a batched call fail as a whole.
  for (const [type, paths] of typePaths) {
    const info = await describeOrUndefined('DescribeInstanceTypes', () =>
      ec2
        .send(new DescribeInstanceTypesCommand({ InstanceTypes: [type as never] }))
        .then((r) => r.InstanceTypes?.[0]),
    );
    if (!info) {
      for (const path of paths)
        problems.push({
          level: 'error',
          path,
          message: `instance type ${type} is not offered in ${spec.region}; pick another type or region`,
        });
      continue;
    }
    const gpus = (info.GpuInfo?.Gpus ?? []).reduce((n, g) => n + (g.Count ?? 0), 0);
    gpusByType[type] = gpus;
    if (gpus === 0 && paths.some((p) => p.startsWith('queues.'))) {
      for (const path of paths.filter((p) => p.startsWith('queues.')))
        problems.push({
          level: 'warning',
          path,
          message: `${type} has no GPU; agents need one GPU each`,
        });
    }
  }

  if (spec.customAmi) {
    const image = await describeOrUndefined('DescribeImages', () =>
      ec2
        .send(new DescribeImagesCommand({ ImageIds: [spec.customAmi ?? ''] }))
        .then((r) => r.Images?.[0]),
    );
    if (!image)
      problems.push({
        level: 'error',
        path: 'customAmi',
        message: `AMI ${spec.customAmi} does not exist in ${spec.region} or you cannot use it (subscribe to it in the Marketplace, or copy it to this region)`,
      });
    else if (image.State && image.State !== 'available')
      problems.push({
        level: 'error',
        path: 'customAmi',
        message: `AMI ${spec.customAmi} is ${image.State}, not available`,
      });
  }

  const subnetPaths = new Map<string, string>([[spec.headNode.subnetId, 'headNode.subnetId']]);
  spec.queues.forEach((q, qi) =>
    q.subnetIds.forEach((s, si) =>
      subnetPaths.set(s, subnetPaths.get(s) ?? `queues.${qi}.subnetIds.${si}`),
    ),
  );
  const vpcs = new Set<string>();
  for (const [subnet, path] of subnetPaths) {
    const found = await describeOrUndefined('DescribeSubnets', () =>
      ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet] })).then((r) => r.Subnets?.[0]),
    );
    if (!found)
      problems.push({
        level: 'error',
        path,
        message: `subnet ${subnet} does not exist in ${spec.region}`,
      });
    else if (found.VpcId) vpcs.add(found.VpcId);
  }
  if (vpcs.size > 1)
    problems.push({
      level: 'error',
      path: 'headNode.subnetId',
      message: `the subnets are in different VPCs (${[...vpcs].join(', ')}); use subnets of one VPC`,
    });
  if (spec.vpcId && vpcs.size === 1 && !vpcs.has(spec.vpcId)) {
    problems.push({
      level: 'error',
      path: 'vpcId',
      message: `the subnets are in ${[...vpcs].join('')}, not ${spec.vpcId}`,
    });
  }

  if (spec.keyName) {
    const key = await describeOrUndefined('DescribeKeyPairs', () =>
      ec2
        .send(new DescribeKeyPairsCommand({ KeyNames: [spec.keyName ?? ''] }))
        .then((r) => r.KeyPairs?.[0]),
    );
    if (!key)
      problems.push({
        level: 'error',
        path: 'keyName',
        message: `key pair "${spec.keyName}" does not exist in ${spec.region}; create or import it there`,
      });
  }
  return { problems, gpusByType };

  async function describeOrUndefined<T>(
    action: string,
    fn: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    return callAws(
      { service: 'ec2', action },
      async () => {
        try {
          return await fn();
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
      },
      retry,
    );
  }
}
