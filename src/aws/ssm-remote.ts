import { DescribeInstancesCommand, type EC2Client, type Filter } from '@aws-sdk/client-ec2';
import {
  GetCommandInvocationCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { CliError } from '../errors.js';
import { shellJoin } from '../shell/quote.js';
import { callAws, type RetryOptions } from './errors.js';

/** The head node's environment file, written by the head-node bootstrap script. */
export const HEAD_NODE_ENV_FILE = '/etc/cluster-tool/env';

/**
 * Finds the running head node of a ParallelCluster cluster by its tags: 3.x tags it
 * `parallelcluster:cluster-name` + `parallelcluster:node-type=HeadNode`; every 2.x release tags
 * it `Application=parallelcluster-NAME` + `Name=Master` (`aws-parallelcluster-node-type` only
 * came in 2.9.0, so the NVIDIA IndeX AMI's 2.8.0 clusters lack it: aws/aws-parallelcluster at
 * v2.8.0, cloudformation/aws-parallelcluster.cfn.json, MasterServer's TagSpecifications).
 */
export async function findHeadNode(
  ec2: EC2Client,
  cluster: string,
  retry?: RetryOptions,
): Promise<string> {
  const running: Filter = { Name: 'instance-state-name', Values: ['running'] };
  const tries: Filter[][] = [
    [
      { Name: 'tag:parallelcluster:cluster-name', Values: [cluster] },
      { Name: 'tag:parallelcluster:node-type', Values: ['HeadNode'] },
      running,
    ],
    [
      { Name: 'tag:Application', Values: [`parallelcluster-${cluster}`] },
      { Name: 'tag:Name', Values: ['Master'] },
      running,
    ],
  ];
  for (const Filters of tries) {
    const r = await callAws(
      { service: 'ec2', action: 'DescribeInstances' },
      () => ec2.send(new DescribeInstancesCommand({ Filters })),
      retry,
    );
    const ids = (r.Reservations ?? [])
      .flatMap((res) => res.Instances ?? [])
      .map((i) => i.InstanceId)
      .filter((id): id is string => !!id);
    if (ids.length > 1)
      throw new CliError(
        `cluster "${cluster}" has ${ids.length} running head nodes (${ids.join(', ')}); that should not happen, check it in the EC2 console`,
      );
    if (ids[0]) return ids[0];
  }
  throw new CliError(
    `no running head node found for cluster "${cluster}" in this region: check the name with \`pcluster list-clusters\` and the region with --region or AWS_REGION`,
  );
}

/**
 * The shell script SSM runs on the head node: load the tool's environment, then run cluster-tool
 * with `args`, each one a single quoted word (a hostile argument stays one literal argument).
 * SSM runs it as root; the coordinator's state belongs to the cluster user, so cluster-tool runs
 * as the state directory's owner (what it writes there, agents running as that user must read).
 */
export function remoteScript(args: readonly string[]): string {
  const command = shellJoin(['cluster-tool', ...args]);
  return [
    'set -e',
    `if [ -r ${HEAD_NODE_ENV_FILE} ]; then set -a; . ${HEAD_NODE_ENV_FILE}; set +a; fi`,
    'owner="$(stat -c %U "${CLUSTER_TOOL_STATE_DIR:-/shared/cluster-tool}" 2>/dev/null || echo root)"',
    'if [ "$(id -u)" = 0 ] && [ "$owner" != root ] && [ "$owner" != UNKNOWN ]; then',
    `  HOME="$(getent passwd "$owner" | cut -d: -f6)" exec setpriv --reuid="$owner" --regid="$(id -g "$owner")" --init-groups ${command}`,
    'fi',
    `exec ${command}`,
  ].join('\n');
}

/** What the remote command printed and how it ended. */
export interface RemoteResult {
  commandId: string;
  instanceId: string;
  status: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunRemoteOptions {
  /** Give up waiting after this long (default 10 minutes); the command is not cancelled. */
  timeoutMs?: number;
  pollMs?: number;
  retry?: RetryOptions;
  /** For tests: how to wait between polls. */
  sleep?: (ms: number) => Promise<void>;
}

const FINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled', 'Cancelling']);

/**
 * Runs `cluster-tool ARGS` on an instance with SSM's `AWS-RunShellScript`, polls
 * GetCommandInvocation until it ends, and returns its output and exit code. SSM keeps at most
 * 24,000 characters of stdout in the response; longer output is cut (the tail is lost).
 */
export async function runRemoteCommand(
  ssm: SSMClient,
  instanceId: string,
  args: readonly string[],
  opts: RunRemoteOptions = {},
): Promise<RemoteResult> {
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const pollMs = opts.pollMs ?? 1000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const sent = await callAws(
    { service: 'ssm', action: 'SendCommand' },
    () =>
      ssm.send(
        new SendCommandCommand({
          InstanceIds: [instanceId],
          DocumentName: 'AWS-RunShellScript',
          Comment: `cluster-tool ${args[0] ?? ''}`.slice(0, 100),
          Parameters: {
            commands: [remoteScript(args)],
            executionTimeout: [String(Math.ceil(timeoutMs / 1000))],
          },
          TimeoutSeconds: 60,
        }),
      ),
    opts.retry,
  );
  const commandId = sent.Command?.CommandId;
  if (!commandId)
    throw new CliError('SSM accepted the command but returned no command id; try again');
  const deadline = Date.now() + timeoutMs;
  // Short commands (a status read) end within a second: look early, then every pollMs.
  for (let poll = 0; ; poll++) {
    await sleep(Math.min(pollMs, 250 * 2 ** poll));
    const inv = await callAws(
      { service: 'ssm', action: 'GetCommandInvocation' },
      async () => {
        try {
          return await ssm.send(
            new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
          );
        } catch (err) {
          // Right after SendCommand the invocation may not exist yet.
          if ((err as { name?: string }).name === 'InvocationDoesNotExist') return undefined;
          throw err;
        }
      },
      opts.retry,
    );
    const status = inv?.Status ?? 'Pending';
    if (inv && FINAL.has(status)) {
      const code = inv.ResponseCode ?? -1;
      return {
        commandId,
        instanceId,
        status,
        exitCode: status === 'Success' ? 0 : code > 0 ? code : 1,
        stdout: inv.StandardOutputContent ?? '',
        stderr:
          inv.StandardErrorContent ?? (status === 'Success' ? '' : `remote command ${status}`),
      };
    }
    if (Date.now() > deadline) {
      throw new CliError(
        `the remote command did not finish within ${Math.round(timeoutMs / 1000)} s (SSM command ${commandId} on ${instanceId} is still ${status}); ` +
          `see it with \`aws ssm get-command-invocation --command-id ${commandId} --instance-id ${instanceId}\``,
      );
    }
  }
}
