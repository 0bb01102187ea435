import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunOutcome } from './aws-doubles.js';
import { onNode, type ClusterFacts, type RehearsalNode } from './node-root.js';
import { run, type Ran } from './proc.js';
import type { S3Received } from './s3-count.js';

// The rehearsal's fixed facts (where, which ports, which nodes) and the helpers its steps share.
export const REPO = fileURLToPath(new URL('../../..', import.meta.url));
export const BIN = path.join(REPO, 'bin', 'cluster-tool.js');
export const ID = `ctr${process.pid % 100000}`;
export const R = `/tmp/${ID}`;
export const LOG = path.join(R, 'logs', 'rehearsal.log');
export const CLUSTER = 'rehearsal';
export const BUCKET = 'ct-rehearsal';
export const REGION = 'us-east-1';
export const USER = 'ctrehearse';
export const PORTS = { slurm: 26000, doubles: 26100, s3: 26101 } as const;
export const HEAD_INSTANCE = 'i-0rehearsalhead0';
export const FRAMES = 24;

export const shared = path.join(R, 'shared');
export const home = path.join(R, 'home');
export const userDir = path.join(R, 'user');
export const nodes: RehearsalNode[] = [
  {
    name: 'head',
    ns: `${ID}-head`,
    addr: '10.231.0.1',
    root: path.join(R, 'nodes', 'head'),
    type: 'HeadNode',
  },
  {
    name: 'node1',
    ns: `${ID}-node1`,
    addr: '10.231.0.11',
    root: path.join(R, 'nodes', 'node1'),
    type: 'ComputeFleet',
  },
  {
    name: 'node2',
    ns: `${ID}-node2`,
    addr: '10.231.0.12',
    root: path.join(R, 'nodes', 'node2'),
    type: 'ComputeFleet',
  },
];
export const [head, ...compute] = nodes as [RehearsalNode, ...RehearsalNode[]];
export const switchNs = `${ID}-switch`;
export const facts: ClusterFacts = {
  stackName: CLUSTER,
  region: REGION,
  user: USER,
  headAddr: head.addr,
  slurmEtc: path.join(R, 'slurm', 'etc'),
  shared,
  home,
};
export const CREDS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
/** What an instance's environment gives the AWS CLI and SDK: its role's credentials, the endpoint. */
export const INSTANCE_ENV = {
  ...CREDS,
  CLUSTER_TOOL_S3_ENDPOINT: `http://127.0.0.1:${PORTS.s3}`,
  AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
  AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
};
/** The shell environment ParallelCluster's custom action executor and the SSM agent run with. */
export const ROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What the steps leave for later steps and for the clean-up. */
export const state = {
  cleanups: [] as (() => Promise<void> | void)[],
  coordinatorPid: 0,
  createdUser: false,
  headAction: undefined as ScriptAction | undefined,
  computeAction: undefined as ScriptAction | undefined,
  jobId: '',
  /** What the S3 server received (set when it starts). */
  s3: undefined as S3Received | undefined,
};

/** The user's side: this machine's CLI with the AWS SDK pointed at the doubles and the S3 server. */
export function userEnv(): NodeJS.ProcessEnv {
  // The machine's npm settings this run was started with (npm passes them on as npm_config_*:
  // its global npmrc, a CA file, the registry) are the user's too, for the npm that stage runs;
  // not this user's own cache or npmrc.
  const shared = ['globalconfig', 'cafile', 'registry', 'proxy', 'https_proxy', 'noproxy'];
  const npmSettings = Object.fromEntries(
    shared.flatMap((k) => {
      const v = process.env[`npm_config_${k}`];
      return v === undefined ? [] : [[`npm_config_${k}`, v]];
    }),
  );
  return {
    ...npmSettings,
    PATH: process.env.PATH,
    HOME: path.join(userDir, 'home'),
    ...INSTANCE_ENV,
    AWS_REGION: REGION,
    AWS_CONFIG_FILE: path.join(userDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(userDir, 'no-aws-credentials'),
    AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${PORTS.doubles}`,
    AWS_ENDPOINT_URL_EC2: `http://127.0.0.1:${PORTS.doubles}`,
    AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${PORTS.doubles}`,
    // Where npm's cache is named (a machine without the registry stages from it), it stays.
    ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
  };
}

export async function cli(args: string[], timeoutMs = 300_000): Promise<Ran> {
  return run(process.execPath, [BIN, ...args], {
    env: userEnv(),
    timeoutMs,
    log: LOG,
    cwd: userDir,
  });
}

export function must(r: Ran, what: string): Ran {
  if (r.code !== 0)
    throw new Error(
      `${what} exited ${r.timedOut ? 'after its timeout' : r.code}: ${(r.stderr || r.stdout).trim().split('\n').slice(-4).join(' | ')}`,
    );
  return r;
}

/** Runs a script on a node as root with the given environment (and nothing else). */
export function asRoot(
  n: RehearsalNode,
  env: Record<string, string>,
  cmd: string[],
  timeoutMs: number,
): Promise<Ran> {
  const vars = Object.entries({ PATH: ROOT_PATH, HOME: '/root', ...env }).map(
    ([k, v]) => `${k}=${v}`,
  );
  const [file, ...args] = onNode(n, facts, ['env', '-i', ...vars, ...cmd]);
  return run(file ?? 'ip', args, { log: LOG, timeoutMs });
}

/** The SSM agent on the head node: AWS-RunShellScript runs the commands with sh, as root. */
export async function ssmRun(
  instanceId: string,
  script: string,
  timeoutS: number,
): Promise<RunOutcome> {
  if (instanceId !== HEAD_INSTANCE)
    return { code: 1, stdout: '', stderr: 'no such instance', timedOut: false };
  const dir = path.join(R, 'ssm');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `command-${Date.now()}-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, script, { mode: 0o700 });
  const r = await asRoot(head, INSTANCE_ENV, ['sh', file], Math.min(timeoutS, 3600) * 1000);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut };
}

/** Packs one of this machine's programs as a release-like tarball (one top directory). */
export async function packLocal(name: string, files: string[]): Promise<string> {
  const dir = path.join(userDir, 'tarballs', name);
  mkdirSync(dir, { recursive: true });
  for (const f of files) must(await run('cp', [f, dir], { log: LOG }), `cp ${f}`);
  const out = path.join(userDir, 'tarballs', `${name}.tar`);
  must(
    await run('tar', ['-cf', out, '-C', path.dirname(dir), name], { log: LOG, timeoutMs: 120_000 }),
    'tar',
  );
  return out;
}

export function debVersion(pkg: string): Promise<string> {
  return run('dpkg-query', ['-W', '-f=${Version}', pkg], { log: LOG }).then(
    (r) => /^(?:\d+:)?(\d+(?:\.\d+)+)/.exec(r.stdout)?.[1] ?? '0',
  );
}

export interface ScriptAction {
  Script: string;
  Args?: string[];
}

/** What ParallelCluster's custom action executor does: fetch the script, chmod +x, run it with its Args. */
export async function runOnNodeConfigured(n: RehearsalNode, action: ScriptAction): Promise<Ran> {
  const file = `/tmp/${ID}/nodes/${n.name}-on-node-configured.sh`;
  const env = {
    ...INSTANCE_ENV,
    // CfnConfigEnvEnricher (aws-parallelcluster-cookbook custom_action_executor.py) adds these.
    cfn_postinstall: `"${action.Script}"`,
    cfn_postinstall_args: `(${(action.Args ?? []).map((a) => `"${a}"`).join(' ')})`,
  };
  must(
    await asRoot(
      n,
      env,
      [
        'sh',
        '-c',
        `aws --endpoint-url "$CLUSTER_TOOL_S3_ENDPOINT" s3 cp --only-show-errors "$0" "$1" && chmod +x "$1"`,
        action.Script,
        file,
      ],
      120_000,
    ),
    `fetching ${action.Script} on ${n.name}`,
  );
  return asRoot(n, env, [file, ...(action.Args ?? [])], 600_000);
}

export function unitFields(unit: string): {
  user: string;
  envFile: string;
  exec: string[];
  umask: string;
} {
  const field = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(unit)?.[1]?.trim() ?? '';
  return {
    user: field('User'),
    envFile: field('EnvironmentFile'),
    exec: field('ExecStart').split(/\s+/),
    umask: field('UMask') || '0022',
  };
}

export function uid(): number {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${USER}:`));
  return Number(line?.split(':')[2] ?? 0);
}

/** The cluster's default user (ParallelCluster's `ubuntu` or `ec2-user`), made for the rehearsal. */
export function ensureUser(): void {
  if (uid()) return;
  const r = sbin('useradd', [
    '--system',
    '--no-create-home',
    '--home-dir',
    `/home/${USER}`,
    '--shell',
    '/bin/bash',
    '--user-group',
    USER,
  ]);
  if (r !== 0) throw new Error(`useradd ${USER} failed`);
  state.createdUser = true;
}

export function sbin(file: string, args: string[]): number {
  return (
    spawnSync(file, args, {
      stdio: 'ignore',
      env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` },
    }).status ?? 1
  );
}
