import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeInstancesCommand, EC2Client, type Filter } from '@aws-sdk/client-ec2';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { findHeadNode, remoteScript, runRemoteCommand } from '../../src/aws/ssm-remote.js';
import { remoteArgs } from '../../src/cli/remote.js';
import { HOSTILE_VALUES } from '../helpers/hostile.js';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
const noSleep = () => Promise.resolve();
const awsError = (name: string) => Object.assign(new Error(name), { name, $metadata: {} });

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
});

describe('finding the head node', () => {
  it('uses the ParallelCluster 3 tags', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-0abc' }] }] });
    expect(await findHeadNode(new EC2Client({}), 'render')).toBe('i-0abc');
    const filters = ec2Mock.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.Filters;
    expect(filters).toContainEqual({
      Name: 'tag:parallelcluster:cluster-name',
      Values: ['render'],
    });
    expect(filters).toContainEqual({ Name: 'tag:parallelcluster:node-type', Values: ['HeadNode'] });
  });

  it('falls back to the 2.x tags, and says what to check when there is none', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [] })
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-0old' }] }] });
    expect(await findHeadNode(new EC2Client({}), 'index')).toBe('i-0old');
    ec2Mock.reset();
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    await expect(findHeadNode(new EC2Client({}), 'nope')).rejects.toThrow(
      /no running head node found for cluster "nope".*pcluster list-clusters/,
    );
  });

  it('finds a ParallelCluster 2.8.0 head node by the tags 2.8.0 sets', async () => {
    // 2.8.0 tags its head node Application=parallelcluster-NAME, Name=Master, ClusterName=NAME;
    // aws-parallelcluster-node-type came in 2.9.0.
    const tags: Record<string, string> = {
      Application: 'parallelcluster-index',
      Name: 'Master',
      ClusterName: 'index',
    };
    ec2Mock.on(DescribeInstancesCommand).callsFake((input: { Filters?: Filter[] }) => {
      const matches = (input.Filters ?? []).every(
        (f) =>
          !f.Name?.startsWith('tag:') || (f.Values ?? []).includes(tags[f.Name.slice(4)] ?? ''),
      );
      return { Reservations: matches ? [{ Instances: [{ InstanceId: 'i-0280' }] }] : [] };
    });
    expect(await findHeadNode(new EC2Client({}), 'index')).toBe('i-0280');
  });

  it('reports access denied clearly', async () => {
    ec2Mock.on(DescribeInstancesCommand).rejects(awsError('UnauthorizedOperation'));
    await expect(findHeadNode(new EC2Client({}), 'render')).rejects.toThrow(
      /not allowed to call ec2:DescribeInstances/,
    );
  });
});

describe('running a command through SSM', () => {
  it('sends AWS-RunShellScript, polls until it ends, and returns output and exit code', async () => {
    ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
    ssmMock
      .on(GetCommandInvocationCommand)
      .rejectsOnce(awsError('InvocationDoesNotExist'))
      .resolvesOnce({ Status: 'InProgress' })
      .resolves({
        Status: 'Failed',
        ResponseCode: 3,
        StandardOutputContent: 'job 7: running\n',
        StandardErrorContent: 'warn\n',
      });
    const r = await runRemoteCommand(new SSMClient({}), 'i-0abc', ['status', '7'], {
      sleep: noSleep,
    });
    expect(r).toMatchObject({
      exitCode: 3,
      stdout: 'job 7: running\n',
      stderr: 'warn\n',
      status: 'Failed',
    });
    const input = ssmMock.commandCalls(SendCommandCommand)[0]?.args[0].input;
    expect(input?.DocumentName).toBe('AWS-RunShellScript');
    expect(input?.InstanceIds).toEqual(['i-0abc']);
    expect(input?.Parameters?.commands?.[0]).toContain('exec cluster-tool status 7');
  });

  it('gives up after the timeout and says how to look the command up', async () => {
    ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-2' } });
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'InProgress' });
    await expect(
      runRemoteCommand(new SSMClient({}), 'i-0abc', ['status'], { sleep: noSleep, timeoutMs: -1 }),
    ).rejects.toThrow(/did not finish .*aws ssm get-command-invocation --command-id cmd-2/);
  });

  it('retries a throttled poll and reports lasting throttling clearly', async () => {
    ssmMock.on(SendCommandCommand).rejects(awsError('ThrottlingException'));
    await expect(
      runRemoteCommand(new SSMClient({}), 'i-0abc', ['status'], {
        sleep: noSleep,
        retry: { baseDelayMs: 1 },
      }),
    ).rejects.toThrow(/AWS throttled ssm:SendCommand/);
    expect(ssmMock.commandCalls(SendCommandCommand)).toHaveLength(4);
  });

  it('keeps each hostile argument one literal argument on the remote shell', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-ssm-'));
    // Stands for cluster-tool on the head node: prints each argument NUL-terminated.
    writeFileSync(
      path.join(dir, 'cluster-tool'),
      '#!/bin/sh\nfor a in "$@"; do printf "%s\\0" "$a"; done\n',
    );
    chmodSync(path.join(dir, 'cluster-tool'), 0o755);
    const args = ['submit', ...HOSTILE_VALUES, 'multi\nline'];
    const r = spawnSync('bash', ['-c', remoteScript(args)], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(args);
  });

  it.runIf(process.getuid?.() === 0)(
    "runs cluster-tool as the state directory's owner, not as SSM's root",
    () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-ssm-'));
      chmodSync(dir, 0o755);
      // Stands for cluster-tool on the head node: prints who runs it.
      writeFileSync(path.join(dir, 'cluster-tool'), '#!/bin/sh\nid -un\n');
      chmodSync(path.join(dir, 'cluster-tool'), 0o755);
      const state = path.join(dir, 'state');
      mkdirSync(state);
      chownSync(state, 65534, 65534);
      const r = spawnSync('sh', ['-c', remoteScript(['status'])], {
        encoding: 'utf8',
        env: {
          ...process.env,
          PATH: `${dir}:${process.env.PATH ?? ''}`,
          CLUSTER_TOOL_STATE_DIR: state,
        },
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('nobody');
    },
  );

  it('rebuilds the command line from parsed arguments without its own options', () => {
    const argv = {
      _: ['status'],
      $0: 'x',
      job: 'job 1',
      json: true,
      cluster: 'c',
      region: 'r',
      'remote-timeout': 5,
      remoteTimeout: 5,
      'max-age': 3,
      maxAge: 3,
    };
    expect(remoteArgs('status', argv, { positional: ['job'] })).toEqual([
      'status',
      'job 1',
      '--json',
      '--max-age=3',
    ]);
  });
});
