import {
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  DescribeKeyPairsCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkSpecWithEc2 } from '../../src/aws/ec2-check.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { planInit } from '../../src/config/generate.js';

const ec2Mock = mockClient(EC2Client);
const spec = planInit('blender-p3', 'v3', {
  region: 'us-east-1',
  keyName: 'k',
  headSubnet: 'subnet-0123456789abcdef0',
  bucket: 'my-render-bucket',
  dcvCidr: '203.0.113.7/32',
  customAmi: 'ami-0123456789abcdef0',
}).spec;
const fast = { retry: { baseDelayMs: 1 } };

function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

beforeEach(() => {
  ec2Mock.reset();
  ec2Mock.on(DescribeInstanceTypesCommand, { InstanceTypes: ['p3.8xlarge'] }).resolves({
    InstanceTypes: [
      { InstanceType: 'p3.8xlarge', GpuInfo: { Gpus: [{ Count: 4, Name: 'V100' }] } },
    ],
  });
  ec2Mock.on(DescribeInstanceTypesCommand, { InstanceTypes: ['g4dn.xlarge'] }).resolves({
    InstanceTypes: [{ InstanceType: 'g4dn.xlarge', GpuInfo: { Gpus: [{ Count: 1 }] } }],
  });
  ec2Mock
    .on(DescribeImagesCommand)
    .resolves({ Images: [{ ImageId: 'ami-0123456789abcdef0', State: 'available' }] });
  ec2Mock
    .on(DescribeSubnetsCommand)
    .resolves({ Subnets: [{ SubnetId: 'subnet-0123456789abcdef0', VpcId: 'vpc-1' }] });
  ec2Mock.on(DescribeKeyPairsCommand).resolves({ KeyPairs: [{ KeyName: 'k' }] });
});

describe('config check --aws (EC2)', () => {
  it('passes when everything exists and reports GPUs per instance type', async () => {
    const r = await checkSpecWithEc2(new EC2Client({ region: 'us-east-1' }), spec, fast);
    expect(r.problems).toEqual([]);
    expect(r.gpusByType).toEqual({ 'p3.8xlarge': 4, 'g4dn.xlarge': 1 });
  });

  it('reports a missing type, AMI, subnet and key pair by path', async () => {
    ec2Mock
      .on(DescribeInstanceTypesCommand, { InstanceTypes: ['p3.8xlarge'] })
      .rejects(awsError('InvalidInstanceType'));
    ec2Mock.on(DescribeImagesCommand).rejects(awsError('InvalidAMIID.NotFound'));
    ec2Mock.on(DescribeSubnetsCommand).rejects(awsError('InvalidSubnetID.NotFound'));
    ec2Mock.on(DescribeKeyPairsCommand).rejects(awsError('InvalidKeyPair.NotFound'));
    const r = await checkSpecWithEc2(new EC2Client({ region: 'us-east-1' }), spec, fast);
    expect(r.problems.map((p) => p.path)).toEqual([
      'queues.0.computeResources.0.instanceType',
      'customAmi',
      'headNode.subnetId',
      'keyName',
    ]);
    expect(r.problems[0]?.message).toMatch(/not offered in us-east-1/);
  });

  it('retries throttling and then succeeds', async () => {
    ec2Mock
      .on(DescribeKeyPairsCommand)
      .rejectsOnce(awsError('RequestLimitExceeded'))
      .resolves({ KeyPairs: [{ KeyName: 'k' }] });
    const r = await checkSpecWithEc2(new EC2Client({ region: 'us-east-1' }), spec, fast);
    expect(r.problems).toEqual([]);
    expect(ec2Mock.commandCalls(DescribeKeyPairsCommand)).toHaveLength(2);
  });

  it('turns lasting throttling into a clear message', async () => {
    ec2Mock.on(DescribeImagesCommand).rejects(awsError('RequestLimitExceeded'));
    const err = await checkSpecWithEc2(new EC2Client({ region: 'us-east-1' }), spec, fast).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AwsCallError);
    expect((err as AwsCallError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/AWS throttled ec2:DescribeImages .*wait a minute/);
  });

  it('turns access denied into a message that names the IAM action', async () => {
    ec2Mock
      .on(DescribeSubnetsCommand)
      .rejects(
        awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'),
      );
    await expect(
      checkSpecWithEc2(new EC2Client({ region: 'us-east-1' }), spec, fast),
    ).rejects.toThrow(/not allowed to call ec2:DescribeSubnets; add that action to its IAM policy/);
  });

  const client = () => new EC2Client({ region: 'us-east-1' });
  const twoSubnets = planInit('blender-g4dn', 'v3', {
    region: 'us-east-1',
    keyName: 'k',
    headSubnet: 'subnet-0123456789abcdef0',
    computeSubnet: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    bucket: 'my-render-bucket',
    dcvCidr: '203.0.113.7/32',
  }).spec;
  const x86 = (type: string, gpus: number, maker = 'NVIDIA') => ({
    InstanceTypes: [
      {
        InstanceType: type as never,
        GpuInfo: { Gpus: [{ Count: gpus, Manufacturer: maker }] },
        ProcessorInfo: { SupportedArchitectures: ['x86_64' as const] },
      },
    ],
  });

  it("reports two of a queue's subnets in one Availability Zone", async () => {
    ec2Mock
      .on(DescribeInstanceTypesCommand, { InstanceTypes: ['g5.12xlarge'] })
      .resolves(x86('g5.12xlarge', 4));
    ec2Mock
      .on(DescribeInstanceTypesCommand, { InstanceTypes: ['g4dn.12xlarge'] })
      .resolves(x86('g4dn.12xlarge', 4));
    for (const id of [
      'subnet-0123456789abcdef0',
      'subnet-0aaaaaaaaaaaaaaaa',
      'subnet-0bbbbbbbbbbbbbbbb',
    ])
      ec2Mock.on(DescribeSubnetsCommand, { SubnetIds: [id] }).resolves({
        Subnets: [{ SubnetId: id, VpcId: 'vpc-1', AvailabilityZone: 'us-east-1a' }],
      });
    const r = await checkSpecWithEc2(client(), twoSubnets, fast);
    expect(r.problems).toEqual([
      expect.objectContaining({
        level: 'error',
        path: 'queues.0.subnetIds.1',
        message: expect.stringMatching(/both in us-east-1a.*QueueSubnetsValidator/) as unknown,
      }),
    ]);
  });

  it('reports compute types of another architecture than the head node, and DCV on arm64 Ubuntu 22.04 before 3.12', async () => {
    ec2Mock.on(DescribeInstanceTypesCommand, { InstanceTypes: ['g4dn.xlarge'] }).resolves({
      InstanceTypes: [
        { GpuInfo: { Gpus: [{ Count: 1 }] }, ProcessorInfo: { SupportedArchitectures: ['arm64'] } },
      ],
    });
    ec2Mock
      .on(DescribeInstanceTypesCommand, { InstanceTypes: ['p3.8xlarge'] })
      .resolves(x86('p3.8xlarge', 4));
    const r = await checkSpecWithEc2(
      client(),
      { ...spec, os: 'ubuntu2204', pclusterVersion: '3.11' },
      fast,
    );
    expect(r.problems.map((p) => [p.path, p.message])).toEqual([
      [
        'queues.0.computeResources.0.instanceType',
        expect.stringMatching(/runs x86_64, the head node arm64/),
      ],
      [
        'os',
        expect.stringMatching(
          /Amazon DCV does not run on ubuntu2204 on arm64 in ParallelCluster 3\.11.*pick --os alinux2, rhel8/,
        ),
      ],
    ]);
    // 3.12.0 release notes: DCV on Ubuntu 22.04 on ARM.
    const current = await checkSpecWithEc2(client(), { ...spec, os: 'ubuntu2204' }, fast);
    expect(current.problems.map((p) => p.path)).toEqual([
      'queues.0.computeResources.0.instanceType',
    ]);
  });

  it("refuses V100 types on a ParallelCluster AMI, and warns about GPUs that are not NVIDIA's", async () => {
    ec2Mock.on(DescribeImagesCommand).resolves({
      Images: [
        { State: 'available', Description: 'AWS ParallelCluster AMI for alinux2, kernel-5.10' },
      ],
    });
    const r = await checkSpecWithEc2(client(), spec, fast);
    expect(r.problems.map((p) => p.path)).toEqual(['queues.0.computeResources.0.instanceType']);
    expect(r.problems[0]?.message).toMatch(
      /AMI ami-0123456789abcdef0 is a ParallelCluster AMI with NVIDIA's open kernel module.*config image --preset blender-p3/,
    );
    // An AMI `config image` built with the closed module: only the validator must be told.
    ec2Mock.on(DescribeImagesCommand).resolves({
      Images: [
        {
          State: 'available',
          Description: 'AWS ParallelCluster AMI for ubuntu2204',
          Tags: [{ Key: 'cluster-tool:nvidia-kernel-module', Value: 'closed' }],
        },
      ],
    });
    const closed = await checkSpecWithEc2(client(), spec, fast);
    expect(closed.problems).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(
          /--suppress-validators type:InstanceTypeBaseAMICompatibleValidator/,
        ) as unknown,
      }),
    ]);
    ec2Mock.on(DescribeImagesCommand).resolves({
      Images: [
        { State: 'available', Description: 'AWS ParallelCluster AMI for alinux2, kernel-5.10' },
      ],
    });
    // 2.8.0 installs NVIDIA's closed-source driver: V100s are fine there.
    expect((await checkSpecWithEc2(client(), spec, { ...fast, format: 'v2' })).problems).toEqual(
      [],
    );

    ec2Mock
      .on(DescribeInstanceTypesCommand, { InstanceTypes: ['p3.8xlarge'] })
      .resolves(x86('p3.8xlarge', 4, 'AMD'));
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [{ State: 'available' }] });
    const amd = await checkSpecWithEc2(client(), spec, fast);
    expect(amd.problems).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(/not NVIDIA's/) as unknown,
      }),
    ]);
  });
});
