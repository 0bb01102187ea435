import {
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  DescribeKeyPairsCommand,
  DescribeSubnetsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { checkEc2Facts, type Ec2Facts } from '../config/ec2-rules.js';
import type { Problem } from '../config/problems.js';
import type { ClusterSpec } from '../config/spec.js';
import { callAws, isNotFound, type RetryOptions } from './errors.js';

/** What EC2 said about a spec: problems (with spec paths) and GPUs per instance type. */
export interface Ec2CheckResult {
  problems: Problem[];
  /** NVIDIA GPUs per instance type; Slurm's GPUs per node for that compute resource. */
  gpusByType: Record<string, number>;
}

/** The file format the spec came from (its rules differ) and how to retry. */
export interface Ec2CheckOptions {
  format?: 'v3' | 'v2';
  retry?: RetryOptions;
}

/**
 * Asks EC2 about the spec's instance types, AMI, subnets and key pair in its region, then judges
 * the answers (`config/ec2-rules.ts`). A missing resource is a finding; a failed call (denied,
 * throttled) throws `AwsCallError`.
 */
export async function checkSpecWithEc2(
  ec2: EC2Client,
  spec: ClusterSpec,
  opts: Ec2CheckOptions = {},
): Promise<Ec2CheckResult> {
  const describe = <T>(action: string, fn: () => Promise<T | undefined>) =>
    callAws(
      { service: 'ec2', action },
      async () => {
        try {
          return await fn();
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
      },
      opts.retry,
    );
  const facts: Ec2Facts = { types: {}, subnets: {} };
  const types = new Set([
    spec.headNode.instanceType,
    ...spec.queues.flatMap((q) => q.computeResources.map((cr) => cr.instanceType)),
  ]);
  // One call per type: a single unknown type makes a batched call fail as a whole.
  for (const type of types) {
    const info = await describe('DescribeInstanceTypes', () =>
      ec2
        .send(new DescribeInstanceTypesCommand({ InstanceTypes: [type as never] }))
        .then((r) => r.InstanceTypes?.[0]));
    facts.types[type] = info && {
      gpus: (info.GpuInfo?.Gpus ?? []).reduce((n, g) => n + (g.Count ?? 0), 0),
      gpuMakers: (info.GpuInfo?.Gpus ?? []).map((g) => g.Manufacturer ?? 'NVIDIA'),
      architectures: info.ProcessorInfo?.SupportedArchitectures ?? [],
    };
  }
  if (spec.customAmi) {
    const image = await describe('DescribeImages', () =>
      ec2
        .send(new DescribeImagesCommand({ ImageIds: [spec.customAmi ?? ''] }))
        .then((r) => r.Images?.[0]));
    facts.image = image
      ? {
          state: image.State,
          description: image.Description,
          tags: Object.fromEntries((image.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        }
      : null;
  }
  const subnets = new Set([spec.headNode.subnetId, ...spec.queues.flatMap((q) => q.subnetIds)]);
  for (const subnet of subnets) {
    const found = await describe('DescribeSubnets', () =>
      ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet] })).then((r) => r.Subnets?.[0]));
    facts.subnets[subnet] = found && {
      vpcId: found.VpcId,
      availabilityZone: found.AvailabilityZone,
    };
  }
  if (spec.keyName) {
    const key = await describe('DescribeKeyPairs', () =>
      ec2
        .send(new DescribeKeyPairsCommand({ KeyNames: [spec.keyName ?? ''] }))
        .then((r) => r.KeyPairs?.[0]));
    facts.keyPair = key !== undefined;
  }
  const gpusByType = Object.fromEntries(
    Object.entries(facts.types).flatMap(([t, f]) => (f ? [[t, f.gpus]] : [])),
  );
  return { problems: checkEc2Facts(spec, opts.format ?? 'v3', facts), gpusByType };
}
