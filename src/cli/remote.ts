import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { callerArn } from '../aws/caller-identity.js';
import { ec2Client, s3Client, ssmClient, stsClient } from '../aws/clients.js';
import { s3Uri, sceneKey } from '../aws/layout.js';
import { stageFile } from '../aws/s3-stage.js';
import { findHeadNode, runRemoteCommand, type RemoteResult } from '../aws/ssm-remote.js';
import { checkBucketName } from '../config/ids.js';
import { stageSceneForCluster } from '../staging/cluster-shot.js';
import { UsageError } from '../errors.js';

/** Adds `--cluster`, `--region`, `--bucket` and `--remote-timeout` to a verb that can run on the head node. */
export function withClusterOption<T>(y: Argv<T>) {
  return y
    .option('cluster', {
      type: 'string',
      describe: "Run on this ParallelCluster cluster's head node through AWS SSM",
    })
    .option('region', {
      type: 'string',
      describe: 'AWS region of the cluster',
      defaultDescription: 'AWS_REGION / profile',
    })
    .option('bucket', {
      type: 'string',
      describe: 'S3 bucket for staging local scene files (with --cluster)',
      defaultDescription: '$CLUSTER_TOOL_BUCKET',
    })
    .option('remote-timeout', {
      type: 'number',
      default: 600,
      describe: 'Seconds to wait for the remote command',
    });
}

/** Which parsed arguments make up the remote command line. */
export interface RemoteArgSpec {
  /** Positional argument names, in order (yargs keeps them as named keys). */
  positional?: string[];
  /** Argument names whose values are local paths to upload to S3 first (e.g. a task file). */
  stage?: string[];
  /** The argument naming a Blender scene: it goes up with every file it reads, by content. */
  shot?: string;
  /** Words appended as they are (options this module keeps for itself, such as `--bucket`). */
  extra?: string[];
  /** How to follow the verb with short remote commands when its flag is set (see remote-follow.ts). */
  follow?: RemoteFollow;
}

/** The head node of a cluster, reached through SSM. */
export interface RemoteHead {
  /** Runs `cluster-tool ARGS` there (default timeout: --remote-timeout). */
  run(args: readonly string[], timeoutMs?: number): Promise<RemoteResult>;
}

/**
 * A verb that waits (`--wait`, `--watch`) run over SSM as short remote commands, printing as it
 * goes, instead of one remote command that prints nothing until it ends or times out.
 */
export interface RemoteFollow {
  /** The boolean option that asks for following. */
  flag: string;
  /** `send` runs the verb itself on the head node with the given parsed arguments. */
  run(
    args: Record<string, unknown>,
    send: (args: Record<string, unknown>) => Promise<RemoteResult>,
    head: RemoteHead,
  ): Promise<number>;
}

const OWN = new Set([
  'cluster',
  'region',
  'bucket',
  'remote-timeout',
  'remoteTimeout',
  'help',
  'version',
  '_',
  '$0',
]);

/**
 * Rebuilds the command line for the head node from parsed arguments: the verb, the positionals
 * in order, then every option as `--name=value` (booleans as `--name`/`--no-name`), skipping
 * yargs' camelCase duplicates and this module's own options.
 */
export function remoteArgs(
  verb: string,
  argv: Record<string, unknown>,
  spec: RemoteArgSpec = {},
): string[] {
  const positional = spec.positional ?? [];
  const out = [...verb.split(' ')];
  for (const name of positional) {
    const v = argv[name];
    if (Array.isArray(v)) out.push(...v.map(word));
    else if (v !== undefined) out.push(word(v));
  }
  const extra = (argv._ as unknown[] | undefined)?.slice(verb.split(' ').length).map(String) ?? [];
  out.push(...extra);
  for (const [key, value] of Object.entries(argv)) {
    if (OWN.has(key) || positional.includes(key) || value === undefined) continue;
    if (/[A-Z]/.test(key) && key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) in argv) continue;
    if (key.length === 1) continue; // aliases: the long name carries the value
    if (typeof value === 'boolean') out.push(value ? `--${key}` : `--no-${key}`);
    else if (Array.isArray(value)) out.push(...value.map((v) => `--${key}=${word(v)}`));
    else out.push(`--${key}=${word(value)}`);
  }
  return out;
}

/** A parsed value as one command-line word (objects as JSON, which yargs never gives for flags). */
function word(v: unknown): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/**
 * When `--cluster` was given: stages local files named by `spec.stage` to S3, runs
 * `cluster-tool VERB ...` on the head node through SSM, prints its output as if it ran here, and
 * returns its exit code. Returns `undefined` without `--cluster`, so the caller runs locally.
 */
export async function runRemotelyIfAsked(
  verb: string,
  argv: Record<string, unknown>,
  spec: RemoteArgSpec = {},
): Promise<number | undefined> {
  const cluster = argv.cluster as string | undefined;
  if (cluster === undefined) return undefined;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,59}$/.test(cluster))
    throw new UsageError(
      `--cluster "${cluster}" is not a ParallelCluster cluster name (a letter, then letters, digits, hyphens)`,
    );
  const region = argv.region as string | undefined;
  const args = { ...argv };
  const staged = [...(spec.stage ?? []), ...(spec.shot ? [spec.shot] : [])];
  for (const name of staged) {
    const local = args[name];
    if (
      typeof local !== 'string' ||
      /^s3:\/\//.test(local) ||
      !existsSync(local) ||
      !statSync(local).isFile()
    )
      continue;
    const bucket = stagingBucket(local, argv);
    if (name === spec.shot) {
      args[name] = (await stageSceneForCluster(local, bucket, argv)).uri;
      continue;
    }
    const key = sceneKey(path.basename(local));
    process.stderr.write(`· staging ${local} to ${s3Uri(bucket, key)}\n`);
    await stageFile(s3Client({ region }), bucket, { localPath: local, key });
    args[name] = s3Uri(bucket, key);
  }
  // Staged now or by an earlier `stage --scene`: either way the head node fetches it.
  const fetchesFromS3 = staged.some(
    (name) => typeof args[name] === 'string' && args[name].startsWith('s3://'),
  );
  // The head node runs the verb as the operator: a job is recorded for who asked, by AWS identity.
  if (submitsJob(verb) && args.owner === undefined)
    args.owner = await callerArn(stsClient({ region }));
  const instanceId = await findHeadNode(ec2Client({ region }), cluster);
  const timeoutMs = ((argv['remote-timeout'] as number | undefined) ?? 600) * 1000;
  // Tell the head node the bucket's region: the shell SSM starts there has none set.
  const regionWord = fetchesFromS3
    ? [`--region=${region ?? (await s3Client().config.region())}`]
    : [];
  const ssm = ssmClient({ region });
  const head: RemoteHead = {
    run: (a, t = timeoutMs) => runRemoteCommand(ssm, instanceId, a, { timeoutMs: t }),
  };
  const send = (a: Record<string, unknown>) =>
    head.run([...remoteArgs(verb, a, spec), ...(spec.extra ?? []), ...regionWord]);
  if (spec.follow && args[spec.follow.flag] === true) return spec.follow.run(args, send, head);
  const result = await send(args);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exitCode;
}

/** Whether a verb makes a job (its owner is then the caller, see job owners in docs/security.md). */
function submitsJob(verb: string): boolean {
  return verb.startsWith('submit ');
}

/** The bucket to stage a local file to: --bucket, else $CLUSTER_TOOL_BUCKET. */
function stagingBucket(local: string, argv: Record<string, unknown>): string {
  const bucket = (argv.bucket as string | undefined) ?? process.env.CLUSTER_TOOL_BUCKET;
  if (!bucket)
    throw new UsageError(
      `${local} is a local file: give --bucket (or set CLUSTER_TOOL_BUCKET) to stage it to S3 for the cluster`,
    );
  const bad = checkBucketName(bucket);
  if (bad) throw new UsageError(`--bucket: ${bad}`);
  return bucket;
}

/**
 * The usual first line of a verb's handler: with `--cluster`, runs the verb on the head node, sets
 * this process's exit code to the remote one and returns true; without, returns false.
 */
export async function ranRemotely(
  verb: string,
  argv: Record<string, unknown>,
  spec: RemoteArgSpec = {},
): Promise<boolean> {
  const code = await runRemotelyIfAsked(verb, argv, spec);
  if (code === undefined) return false;
  process.exitCode = code;
  return true;
}
