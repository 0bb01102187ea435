import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import S3rver from 's3rver';
import { parse } from 'yaml';
import { localDown, localUp } from '../../src/local/cluster.js';
import { resolveOptions } from '../../src/local/options.js';
import { isAlive, portInUse, signalAll, waitForExit, which } from '../../src/local/procs.js';
import { ensureSampleScene } from '../../src/renderers/blender/sample-scene.js';
import { AwsDoubles, type RunOutcome } from './aws-doubles.js';
import { createNetwork, destroyNetwork } from './network.js';
import { layoutNode, onNode, type ClusterFacts, type RehearsalNode } from './node-root.js';
import { pidsInNetns, run, startDetached, type Ran } from './proc.js';
import { listenUnix } from './s3-gateway.js';
import { runSteps, type Step } from './steps.js';

/*
 * The rehearsal: the user's whole path to a ParallelCluster cluster, on this machine. A head
 * node and two compute nodes laid out as ParallelCluster 3 lays them out, each in its own
 * network namespace and root; Slurm's daemons placed as on a cluster (slurmctld on the head
 * node, each slurmd inside its compute node, so what srun starts runs on that node); a real
 * S3-compatible server, reached from the nodes with the real AWS CLI; the generated bootstrap
 * scripts run as ParallelCluster runs them; the coordinator started from the unit they wrote;
 * and the user's side driving it with `--cluster` through the real AWS SDK, pointed at doubles
 * of EC2 DescribeInstances and SSM Run Command that run the scripts on the head node.
 */

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = path.join(REPO, 'bin', 'cluster-tool.js');
const ID = `ctr${process.pid % 100000}`;
const R = `/tmp/${ID}`;
const LOG = path.join(R, 'logs', 'rehearsal.log');
const CLUSTER = 'rehearsal';
const BUCKET = 'ct-rehearsal';
const REGION = 'us-east-1';
const USER = 'ctrehearse';
const PORTS = { slurm: 26000, doubles: 26100, s3: 26101 } as const;
const HEAD_INSTANCE = 'i-0rehearsalhead0';
const FRAMES = 24;

const shared = path.join(R, 'shared');
const home = path.join(R, 'home');
const userDir = path.join(R, 'user');
const nodes: RehearsalNode[] = [
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
const [head, ...compute] = nodes as [RehearsalNode, ...RehearsalNode[]];
const switchNs = `${ID}-switch`;
const facts: ClusterFacts = {
  stackName: CLUSTER,
  region: REGION,
  user: USER,
  headAddr: head.addr,
  slurmEtc: path.join(R, 'slurm', 'etc'),
  shared,
  home,
};
const CREDS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
/** What an instance's environment gives the AWS CLI and SDK: its role's credentials, the endpoint. */
const INSTANCE_ENV = {
  ...CREDS,
  CLUSTER_TOOL_S3_ENDPOINT: `http://127.0.0.1:${PORTS.s3}`,
  AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
  AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
};
/** The shell environment ParallelCluster's custom action executor and the SSM agent run with. */
const ROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const cleanups: (() => Promise<void> | void)[] = [];
let coordinatorPid = 0;
let createdUser = false;

/** The user's side: this machine's CLI with the AWS SDK pointed at the doubles and the S3 server. */
function userEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: path.join(userDir, 'home'),
    ...INSTANCE_ENV,
    AWS_REGION: REGION,
    AWS_CONFIG_FILE: path.join(userDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(userDir, 'no-aws-credentials'),
    AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${PORTS.doubles}`,
    AWS_ENDPOINT_URL_EC2: `http://127.0.0.1:${PORTS.doubles}`,
  };
}

async function cli(args: string[], timeoutMs = 300_000): Promise<Ran> {
  return run(process.execPath, [BIN, ...args], {
    env: userEnv(),
    timeoutMs,
    log: LOG,
    cwd: userDir,
  });
}

function must(r: Ran, what: string): Ran {
  if (r.code !== 0)
    throw new Error(
      `${what} exited ${r.timedOut ? 'after its timeout' : r.code}: ${(r.stderr || r.stdout).trim().split('\n').slice(-4).join(' | ')}`,
    );
  return r;
}

/** Runs a script on a node as root with the given environment (and nothing else). */
function asRoot(
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
async function ssmRun(instanceId: string, script: string, timeoutS: number): Promise<RunOutcome> {
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
async function packLocal(name: string, files: string[]): Promise<string> {
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

function debVersion(pkg: string): Promise<string> {
  return run('dpkg-query', ['-W', '-f=${Version}', pkg], { log: LOG }).then(
    (r) => /^(?:\d+:)?(\d+(?:\.\d+)+)/.exec(r.stdout)?.[1] ?? '0',
  );
}

interface ScriptAction {
  Script: string;
  Args?: string[];
}
let headAction: ScriptAction | undefined;
let computeAction: ScriptAction | undefined;
let jobId = '';

/** What ParallelCluster's custom action executor does: fetch the script, chmod +x, run it with its Args. */
async function runOnNodeConfigured(n: RehearsalNode, action: ScriptAction): Promise<Ran> {
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

function unitFields(unit: string): {
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

const steps: Step[] = [
  {
    name: 'this machine has what the rehearsal needs (root, ip, Slurm, munge, AWS CLI, Blender, ffmpeg)',
    run: async () => {
      if (process.getuid?.() !== 0)
        throw new Error('run as root: it creates network namespaces and mounts');
      const missing = [
        'ip',
        'chroot',
        'setpriv',
        'aws',
        'slurmctld',
        'slurmd',
        'munged',
        'blender',
        'ffmpeg',
        'ffprobe',
        'tar',
        'npm',
        'useradd',
      ].filter((b) => !which(b, `${process.env.PATH ?? ''}:/usr/sbin:/sbin`));
      if (missing.length)
        throw new Error(
          `missing: ${missing.join(', ')} (.ci/run installs them: iproute2, slurm-wlm, munge, awscli, blender, ffmpeg)`,
        );
      for (const [what, port] of Object.entries(PORTS))
        if (await portInUse(port))
          throw new Error(`port ${port} (${what}) is in use: another rehearsal running?`);
      return `work directory ${R}`;
    },
  },
  {
    name: 'network: a namespace per node on one subnet (head 10.231.0.1, compute .11 and .12)',
    run: async () => {
      cleanups.push(() => destroyNetwork([...nodes.map((n) => n.ns), switchNs], LOG));
      await createNetwork(switchNs, nodes, LOG);
      const probe = await run(
        'ip',
        [
          'netns',
          'exec',
          compute[0]?.ns ?? '',
          process.execPath,
          '-e',
          `require('net').connect(7070,'127.0.0.1').on('error',()=>process.exit(3)).on('connect',()=>process.exit(0))`,
        ],
        { log: LOG, timeoutMs: 10_000 },
      );
      if (probe.code !== 3)
        throw new Error('a compute node reached something at its own 127.0.0.1:7070');
      return 'no addresses added to this host';
    },
  },
  {
    name: 'Slurm: slurmctld in the head namespace, a slurmd inside each compute node',
    run: async () => {
      for (const d of [R, path.join(R, 'logs')]) mkdirSync(d, { recursive: true, mode: 0o755 });
      chmodSync(R, 0o755);
      const o = resolveOptions({
        dir: path.join(R, 'slurm'),
        nodes: compute.length,
        gpusPerNode: 2,
        cpusPerNode: 2,
        portBase: PORTS.slurm,
      });
      // slurmd needs its node's root before it starts (what srun runs sees that root); the
      // roots need the cluster user and slurm.conf: lay them out first, conf copied after.
      ensureUser();
      mkdirSync(path.join(home, USER), { recursive: true });
      chownSync(path.join(home, USER), uid(), uid());
      mkdirSync(shared, { recursive: true });
      mkdirSync(facts.slurmEtc, { recursive: true });
      for (const f of ['slurm.conf', 'gres.conf']) writeFileSync(path.join(facts.slurmEtc, f), '');
      for (const n of nodes) layoutNode(n, facts);
      cleanups.push(async () => void (await localDown(o.dir, { timeoutMs: 30_000 })));
      await localUp(
        {
          ...o,
          placement: {
            controllerAddr: head.addr,
            controllerVia: onNode(head, facts, []),
            nodeAddrs: compute.map((n) => n.addr),
            nodeVia: compute.map((n) => onNode(n, facts, [])),
          },
        },
        {
          timeoutMs: 90_000,
          log: (line) => writeFileSync(LOG, `${line}\n`, { flag: 'a' }),
        },
      );
      // The daemons read it by path; Slurm's commands on every node where they look for it.
      for (const n of nodes)
        for (const f of ['slurm.conf', 'gres.conf'])
          writeFileSync(
            path.join(n.root, 'etc', 'slurm', f),
            readFileSync(path.join(facts.slurmEtc, f)),
          );
      return `${compute.length} nodes idle, 2 GPUs each; Slurm's commands in /opt/slurm/bin on every node, not on PATH`;
    },
  },
  {
    name: 'S3-compatible server on loopback, its endpoint inside each node, AWS EC2 and SSM doubles',
    run: async () => {
      mkdirSync(path.join(R, 's3'), { recursive: true });
      mkdirSync(userDir, { recursive: true });
      const server = new S3rver({
        port: PORTS.s3,
        address: '127.0.0.1',
        silent: true,
        directory: path.join(R, 's3'),
        configureBuckets: [{ name: BUCKET, configs: [] }],
      });
      await server.run();
      cleanups.push(() => server.close());
      const sock = path.join(R, 's3.sock');
      const unix: net.Server = await listenUnix(sock, PORTS.s3);
      cleanups.push(() => new Promise<void>((r) => unix.close(() => r())));
      const gateway = path.join(path.dirname(fileURLToPath(import.meta.url)), 's3-gateway.js');
      for (const n of nodes) {
        const pid = startDetached(
          'ip',
          ['netns', 'exec', n.ns, process.execPath, gateway, String(PORTS.s3), sock],
          path.join(R, 'logs', `s3-gateway-${n.name}.log`),
        );
        cleanups.push(() => signalAll([pid], 'SIGTERM'));
      }
      const doubles = new AwsDoubles(
        [
          {
            id: HEAD_INSTANCE,
            state: 'running',
            tags: {
              'parallelcluster:cluster-name': CLUSTER,
              'parallelcluster:node-type': 'HeadNode',
              Name: 'HeadNode',
            },
          },
          {
            id: 'i-0rehearsalcompute1',
            state: 'running',
            tags: {
              'parallelcluster:cluster-name': CLUSTER,
              'parallelcluster:node-type': 'Compute',
            },
          },
        ],
        ssmRun,
      );
      await doubles.listen(PORTS.doubles);
      cleanups.push(() => doubles.close());
      await sleep(300);
      return `s3://${BUCKET} at 127.0.0.1:${PORTS.s3}; doubles at 127.0.0.1:${PORTS.doubles}`;
    },
  },
  {
    name: 'config init (the user): a ParallelCluster 3 config from the blender-p3 preset',
    run: async () => {
      const out = path.join(userDir, 'cluster.yaml');
      must(
        await cli([
          'config',
          'init',
          '--preset',
          'blender-p3',
          '--region',
          REGION,
          '--key-name',
          'rehearsal-key',
          '--head-subnet',
          'subnet-0123456789abcdef0',
          '--bucket',
          BUCKET,
          '--dcv-cidr',
          '203.0.113.7/32',
          '--out',
          out,
        ]),
        'config init',
      );
      must(await cli(['config', 'check', out]), 'config check');
      const doc = parse(readFileSync(out, 'utf8')) as {
        HeadNode: { CustomActions: { OnNodeConfigured: ScriptAction } };
        Scheduling: { SlurmQueues: { CustomActions: { OnNodeConfigured: ScriptAction } }[] };
        Image: { Os: string };
      };
      headAction = doc.HeadNode.CustomActions.OnNodeConfigured;
      computeAction = doc.Scheduling.SlurmQueues[0]?.CustomActions.OnNodeConfigured;
      return `Image.Os ${doc.Image.Os}; OnNodeConfigured ${headAction.Script} ${(headAction.Args ?? []).join(' ')}`;
    },
  },
  {
    name: "stage (the user): one bundle of this machine's Node.js, the tool, Blender and ffmpeg; then a scene",
    run: async () => {
      const blender = await packLocal(`blender-${await debVersion('blender')}-linux-x64`, [
        which('blender') ?? '/usr/bin/blender',
      ]);
      const ffmpeg = await packLocal(`ffmpeg-${await debVersion('ffmpeg')}-linux-x64`, [
        which('ffmpeg') ?? '',
        which('ffprobe') ?? '',
      ]);
      const reuse = process.env.REHEARSAL_BUNDLE;
      const staged = must(
        await cli(
          [
            'stage',
            '--bucket',
            BUCKET,
            // REHEARSAL_BUNDLE=FILE keeps the bundle there and stages it as it is next time.
            ...(reuse && existsSync(reuse)
              ? ['--bundle', reuse]
              : [
                  '--blender-tarball',
                  blender,
                  '--ffmpeg-tarball',
                  ffmpeg,
                  ...(reuse ? ['--bundle', reuse] : []),
                ]),
            '--json',
          ],
          900_000,
        ),
        'stage',
      );
      const info = JSON.parse(staged.stdout) as { bundle: { size: number } };
      const scene = await ensureSampleScene(path.join(userDir, 'shot.blend'), {
        frames: FRAMES,
        width: 160,
        height: 90,
        cheapSamples: 16,
        expensiveSamples: 32,
      });
      must(await cli(['stage', '--bucket', BUCKET, '--scene', scene]), 'stage --scene');
      return `bundle ${(info.bundle.size / 1e6).toFixed(0)} MB; scene s3://${BUCKET}/cluster-tool/scenes/shot.blend`;
    },
  },
  {
    name: 'head node: its OnNodeConfigured script, run as ParallelCluster runs it',
    run: async () => {
      if (!headAction) throw new Error('no head node action in the config');
      const r = must(
        await runOnNodeConfigured(head, headAction),
        'the head node script (ParallelCluster would fail the node)',
      );
      if (!/step finished|== .* finished/.test(r.stdout))
        throw new Error('the script did not reach its last step');
      return /systemd is not running/.test(r.stdout)
        ? 'installed from the bucket; unit written (no systemd here)'
        : 'installed';
    },
  },
  {
    name: 'compute nodes: their OnNodeConfigured script, both at once',
    run: async () => {
      const action = computeAction;
      if (!action) throw new Error('no compute action in the config');
      const runs = await Promise.all(compute.map((n) => runOnNodeConfigured(n, action)));
      runs.forEach((r, i) => must(r, `the ${compute[i]?.name} script`));
      // What the links in /opt/cluster-tool/bin point to, seen from this host.
      const prefix = path.join(compute[0]?.root ?? '', 'opt', 'cluster-tool');
      const missing = [
        'bin/cluster-tool',
        'node/bin/node',
        'blender/blender',
        'ffmpeg/ffmpeg',
        'ffmpeg/ffprobe',
      ].filter((b) => !existsSync(path.join(prefix, b)));
      if (missing.length) throw new Error(`not installed on node1: ${missing.join(', ')}`);
      return 'Node.js, the tool, Blender and ffmpeg from the bundle on each';
    },
  },
  {
    name: "coordinator: the unit's ExecStart with its EnvironmentFile, as its User (env -i; no systemd)",
    run: async () => {
      const unit = readFileSync(
        path.join(head.root, 'etc', 'systemd', 'system', 'cluster-tool-coordinator.service'),
        'utf8',
      );
      const u = unitFields(unit);
      const env = readFileSync(path.join(head.root, u.envFile), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l));
      // What systemd sets for User= besides the EnvironmentFile.
      const vars = [`HOME=/home/${u.user}`, `USER=${u.user}`, `LOGNAME=${u.user}`, ...env];
      const cmd = onNode(head, facts, [
        'env',
        '-i',
        ...vars,
        'setpriv',
        `--reuid=${u.user}`,
        `--regid=${u.user}`,
        '--init-groups',
        'sh',
        '-c',
        `umask ${u.umask} && exec "$@"`,
        'coordinator',
        ...u.exec,
      ]);
      coordinatorPid = startDetached(
        cmd[0] ?? 'ip',
        cmd.slice(1),
        path.join(R, 'logs', 'coordinator.log'),
        {},
      );
      cleanups.push(async () => {
        signalAll([coordinatorPid], 'SIGTERM');
        signalAll(await waitForExit([coordinatorPid], 10_000), 'SIGKILL');
      });
      const address = path.join(shared, 'cluster-tool', 'coordinator.json');
      for (let i = 0; i < 300 && !existsSync(address); i++) {
        if (!isAlive(coordinatorPid))
          throw new Error(`the coordinator exited; see ${path.join(R, 'logs', 'coordinator.log')}`);
        await sleep(100);
      }
      const url = (JSON.parse(readFileSync(address, 'utf8')) as { url: string }).url;
      if (url !== `http://${head.addr}:7070`)
        throw new Error(`the coordinator advertises ${url}, not the head node's own address`);
      return `User=${u.user}, advertises ${url}`;
    },
  },
  {
    name: 'submit blender --cluster (the user, through SSM): the scene staged earlier, 24 frames on 1 node',
    run: async () => {
      const r = must(
        await cli([
          'submit',
          'blender',
          `s3://${BUCKET}/cluster-tool/scenes/shot.blend`,
          '--frames',
          `1-${FRAMES}`,
          '--nodes',
          '1',
          '--name',
          'rehearsal',
          '--cluster',
          CLUSTER,
        ]),
        'submit --cluster',
      );
      jobId = r.stdout.trim().split('\n').pop() ?? '';
      if (!/^[A-Za-z0-9._-]+$/.test(jobId))
        throw new Error(`submit printed no job id: ${r.stdout}`);
      return `job ${jobId}`;
    },
  },
  {
    name: 'scale --cluster: grow the running job to both compute nodes',
    run: async () => {
      const r = must(
        await cli(['scale', jobId, '--nodes', '2', '--cluster', CLUSTER]),
        'scale --cluster',
      );
      return (
        r.stdout
          .split('\n')
          .find((l) => /alloc|node/i.test(l))
          ?.trim() ?? 'grown'
      );
    },
  },
  {
    name: 'status --watch --cluster: followed with short remote reads until the job ends',
    run: async () => {
      must(
        await cli(['status', jobId, '--watch', '--cluster', CLUSTER], 900_000),
        'status --watch --cluster',
      );
      const r = must(
        await cli(['status', jobId, '--json', '--cluster', CLUSTER]),
        'status --json --cluster',
      );
      const job = JSON.parse(r.stdout) as {
        state: string;
        progress: { done: number; total: number };
        agents: { node: string }[];
        error: string | null;
      };
      if (job.state !== 'succeeded')
        throw new Error(`job ${jobId} ${job.state}: ${job.error ?? ''}`);
      const where = [...new Set(job.agents.map((a) => a.node))].sort();
      return `${job.progress.done}/${job.progress.total} frames; agents on ${where.join(', ')}`;
    },
  },
  {
    name: 'fetch --cluster: the head node uploads the outputs, the user downloads frames and MP4 from S3',
    run: async () => {
      const out = path.join(userDir, 'fetched');
      must(
        await cli(['fetch', jobId, '--cluster', CLUSTER, '--bucket', BUCKET, '--out', out]),
        'fetch --cluster',
      );
      const frames = readdirSync(out)
        .filter((f) => /^frame_\d{4}\.png$/.test(f))
        .sort();
      const want = Array.from(
        { length: FRAMES },
        (_, i) => `frame_${String(i + 1).padStart(4, '0')}.png`,
      );
      if (JSON.stringify(frames) !== JSON.stringify(want))
        throw new Error(`frames fetched: ${frames.join(' ')}`);
      const mp4 = readdirSync(out).find((f) => f.endsWith('.mp4'));
      if (!mp4) throw new Error('no MP4 among the fetched outputs');
      const count = must(
        await run(
          'ffprobe',
          [
            '-v',
            'error',
            '-count_frames',
            '-select_streams',
            'v:0',
            '-show_entries',
            'stream=nb_read_frames',
            '-of',
            'csv=p=0',
            path.join(out, mp4),
          ],
          { log: LOG },
        ),
        'ffprobe',
      );
      if (Number(count.stdout.trim()) !== FRAMES)
        throw new Error(`${mp4} has ${count.stdout.trim()} frames`);
      return `${frames.length} frames, each once; ${mp4} with ${FRAMES} frames`;
    },
  },
  {
    name: 'setup svox2 --cluster: the svox2 environment built once on a GPU node into /shared (svox2 double)',
    run: async () => {
      const tarball = path.join(userDir, 'svox2.tar');
      // A checkout as `git archive --prefix=svox2/` gives it: the double of svox2 (test/doubles).
      must(
        await run(
          'tar',
          [
            '-cf',
            tarball,
            '--exclude=__pycache__',
            '-C',
            path.join(REPO, 'test', 'doubles'),
            'svox2',
          ],
          { log: LOG },
        ),
        'tar svox2',
      );
      must(
        await cli(
          [
            'setup',
            'svox2',
            '--source',
            tarball,
            '--cluster',
            CLUSTER,
            '--bucket',
            BUCKET,
            '--wait',
          ],
          900_000,
        ),
        'setup svox2 --cluster',
      );
      const env = JSON.parse(
        readFileSync(path.join(shared, 'cluster-tool', 'svox2', 'environment.json'), 'utf8'),
      ) as { python: string; node: string };
      return `${env.python}, built on ${env.node}`;
    },
  },
  {
    name: 'submit plenoxels --cluster: a sweep trained with that environment, no --svox2 given',
    run: async () => {
      // The dataset is on the shared file system already (FSx or an earlier copy), the cluster
      // user's, as is where the sweep trains.
      for (const d of ['plenoxels', 'plenoxels/data', 'plenoxels/data/ship', 'plenoxels/ckpt']) {
        mkdirSync(path.join(shared, d), { recursive: true });
        chownSync(path.join(shared, d), uid(), uid());
      }
      const tasks = path.join(userDir, 'sweep.json');
      writeFileSync(
        tasks,
        JSON.stringify({
          data_root: '/shared/plenoxels/data/ship',
          train_root: '/shared/plenoxels/ckpt',
          variables: { lr_sigma: [5, 50] },
          tasks: [{ train_dir: 'lrs{lr_sigma}', flags: ['--lr_sigma', '{lr_sigma}'] }],
        }),
      );
      const r = must(
        await cli(
          [
            'submit',
            'plenoxels',
            tasks,
            '--cluster',
            CLUSTER,
            '--bucket',
            BUCKET,
            '--json',
            '--wait',
          ],
          900_000,
        ),
        'submit plenoxels --cluster',
      );
      const job = JSON.parse(r.stdout) as {
        state: string;
        spec: { python?: string };
        results?: { task: string; psnr: number | null }[];
      };
      if (job.state !== 'succeeded') throw new Error(`the sweep ${job.state}`);
      if (!job.spec.python?.endsWith('/svox2/venv/bin/python'))
        throw new Error(`the sweep ran with ${job.spec.python ?? 'no python'}`);
      return `${job.results?.length ?? 0} tasks trained with ${job.spec.python}`;
    },
  },
];

function uid(): number {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${USER}:`));
  return Number(line?.split(':')[2] ?? 0);
}

/** The cluster's default user (ParallelCluster's `ubuntu` or `ec2-user`), made for the rehearsal. */
function ensureUser(): void {
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
  createdUser = true;
}

function sbin(file: string, args: string[]): number {
  return (
    spawnSync(file, args, {
      stdio: 'ignore',
      env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` },
    }).status ?? 1
  );
}

async function tearDown(keep: boolean): Promise<void> {
  for (const c of cleanups.reverse()) {
    try {
      await c();
    } catch (err) {
      writeFileSync(LOG, `clean-up: ${(err as Error).message}\n`, { flag: 'a' });
    }
  }
  // Anything still running in a rehearsal namespace (an agent whose step outlived slurmd).
  for (const n of nodes) signalAll(pidsInNetns(n.ns), 'SIGKILL');
  await destroyNetwork([...nodes.map((n) => n.ns), switchNs], LOG);
  if (createdUser) sbin('userdel', [USER]);
  if (!keep) rmSync(R, { recursive: true, force: true });
}

async function main(): Promise<void> {
  mkdirSync(path.join(R, 'logs'), { recursive: true });
  process.stdout.write(`rehearsal in ${R} (log: ${LOG})\n`);
  let report: Awaited<ReturnType<typeof runSteps>> | undefined;
  const onSignal = () => void tearDown(true).then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    report = await runSteps(steps, LOG);
  } finally {
    await tearDown(Boolean(report?.failed) || process.env.KEEP_REHEARSAL === '1');
  }
  if (report.failed) process.stdout.write(`(kept ${R} for a look)\n`);
  process.exitCode = report.failed ? 1 : 0;
}

await main();
