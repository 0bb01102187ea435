import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runRemotelyIfAsked } from '../../src/cli/remote.js';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  ec2Mock
    .on(DescribeInstancesCommand)
    .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-0head' }] }] });
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
  ssmMock
    .on(GetCommandInvocationCommand)
    .resolves({ Status: 'Success', ResponseCode: 0, StandardOutputContent: 'job-1\n' });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

const sentScript = () =>
  ssmMock.commandCalls(SendCommandCommand)[0]?.args[0].input.Parameters?.commands?.[0] ?? '';

describe('running a verb on the head node', () => {
  it('tells the head node the region for a scene staged by an earlier `stage --scene`', async () => {
    const code = await runRemotelyIfAsked(
      'submit blender',
      {
        _: ['submit', 'blender'],
        cluster: 'render',
        region: 'eu-west-1',
        scene: 's3://my-bucket/cluster-tool/scenes/shot.blend',
        frames: '1-24',
      },
      { positional: ['scene'], stage: ['scene'] },
    );
    expect(code).toBe(0);
    expect(sentScript()).toContain('s3://my-bucket/cluster-tool/scenes/shot.blend');
    expect(sentScript()).toContain('--region=eu-west-1');
  });

  it('sends no region when nothing is fetched from S3', async () => {
    await runRemotelyIfAsked(
      'status',
      { _: ['status'], cluster: 'render', region: 'eu-west-1', job: 'job-1' },
      { positional: ['job'] },
    );
    expect(sentScript()).not.toContain('--region');
  });
});
