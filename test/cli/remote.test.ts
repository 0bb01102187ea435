import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { followSubmit } from '../../src/cli/remote-follow.js';
import { runRemotelyIfAsked } from '../../src/cli/remote.js';
import { stillRunning } from '../../src/cli/commands/follow-job.js';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
const stsMock = mockClient(STSClient);
const ARN = 'arn:aws:sts::123456789012:assumed-role/Artist/jo@example.com';

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  stsMock.reset();
  stsMock.on(GetCallerIdentityCommand).resolves({ Arn: ARN, Account: '123456789012' });
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

  it('records a submitted job for the AWS identity asking, since the head node runs it as the operator', async () => {
    await runRemotelyIfAsked(
      'submit blender',
      {
        _: ['submit', 'blender'],
        cluster: 'render',
        region: 'eu-west-1',
        scene: 's3://b/cluster-tool/scenes/shot.blend',
        frames: '1-3',
      },
      { positional: ['scene'], stage: ['scene'] },
    );
    expect(sentScript()).toContain(`--owner=${ARN}`);
    // Verbs that make no job do not ask who is calling.
    stsMock.resetHistory();
    await runRemotelyIfAsked(
      'cancel',
      { _: ['cancel'], cluster: 'render', job: 'j1' },
      { positional: ['job'] },
    );
    expect(stsMock.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it('refuses to submit when it cannot learn who is asking, and says so', async () => {
    stsMock
      .on(GetCallerIdentityCommand)
      .rejects(new Error('ExpiredToken: the security token expired'));
    await expect(
      runRemotelyIfAsked(
        'submit command',
        {
          _: ['submit', 'command'],
          cluster: 'render',
          region: 'eu-west-1',
          tasks: 's3://b/t.jsonl',
        },
        { stage: ['tasks'] },
      ),
    ).rejects.toThrow(/could not learn which AWS identity is submitting .*ExpiredToken/);
    expect(ssmMock.commandCalls(SendCommandCommand)).toHaveLength(0);
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

describe('waiting on the head node', () => {
  it('follows `submit --wait` with short status reads and prints progress as it goes', async () => {
    ssmMock.reset();
    const scripts: string[] = [];
    let reads = 0;
    ssmMock.on(SendCommandCommand).callsFake((input: { Parameters?: { commands?: string[] } }) => {
      scripts.push(input.Parameters?.commands?.[0] ?? '');
      return { Command: { CommandId: `cmd-${scripts.length}` } };
    });
    ssmMock.on(GetCommandInvocationCommand).callsFake((input: { CommandId?: string }) => {
      const script = scripts[Number(input.CommandId?.slice(4)) - 1] ?? '';
      const answer = (stdout: string) => ({
        Status: 'Success',
        ResponseCode: 0,
        StandardOutputContent: stdout,
      });
      if (script.includes('cluster-tool submit')) return answer('{"id":"job-1","state":"queued"}');
      if (script.includes('--fields')) {
        reads += 1;
        const done = reads > 1;
        return answer(
          JSON.stringify({
            id: 'job-1',
            state: done ? 'succeeded' : 'running',
            stage: done ? 'encode' : 'render',
            progress: { done: done ? 3 : 1, total: 3 },
            unit: 'frames',
            ratePerMinute: 0,
            etaSeconds: null,
            asOf: Date.now(),
            createdAt: Date.now() - 5000,
            finishedAt: done ? Date.now() : null,
            error: null,
            allocations: [],
          }),
        );
      }
      return answer('job-1 succeeded\n');
    });
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (stderr.push(String(s)), true));
    const code = await runRemotelyIfAsked(
      'submit blender',
      {
        _: ['submit', 'blender'],
        cluster: 'render',
        region: 'eu-west-1',
        scene: 's3://b/cluster-tool/scenes/shot.blend',
        frames: '1-3',
        wait: true,
      },
      { positional: ['scene'], stage: ['scene'], follow: followSubmit },
    );
    expect(code).toBe(0);
    // No long remote command: the submit returns at once, then each read is its own command.
    expect(scripts.some((s) => s.includes('--wait'))).toBe(false);
    expect(scripts.filter((s) => s.includes('status job-1 --json')).length).toBeGreaterThanOrEqual(
      2,
    );
    expect(stderr.join('')).toContain('job-1: 1/3 frames running render');
    expect(stderr.join('')).toContain('job-1: 3/3 frames succeeded encode');
    // The short reads ask for everything the progress line and bar show, and no more.
    expect(scripts.find((s) => s.includes('--fields'))).toContain(
      '--fields=id,state,stage,progress,unit,ratePerMinute,etaSeconds,asOf,createdAt,startedAt,waiting,finishedAt,error,allocations',
    );
  });

  it('says how to reach the job on the cluster again when following stops', () => {
    expect(stillRunning('job-1', ' --cluster render')).toContain(
      '`cluster-tool status job-1 --cluster render --watch`',
    );
    expect(stillRunning('job-1', ' --cluster render')).toContain(
      '`cluster-tool cancel job-1 --cluster render`',
    );
  });
});
