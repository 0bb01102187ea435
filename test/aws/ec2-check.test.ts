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
const fast = { baseDelayMs: 1 };

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
});
