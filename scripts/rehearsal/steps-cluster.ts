import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
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
import { AwsDoubles } from './aws-doubles.js';
import { createNetwork, destroyNetwork } from './network.js';
import { layoutNode, onNode } from './node-root.js';
import { run, startDetached } from './proc.js';
import { S3Received } from './s3-count.js';
import { listenUnix } from './s3-gateway.js';
import { type Step } from './steps.js';
import {
  R,
  LOG,
  CLUSTER,
  BUCKET,
  REGION,
  USER,
  PORTS,
  HEAD_INSTANCE,
  FRAMES,
  shared,
  home,
  userDir,
  nodes,
  head,
  compute,
  switchNs,
  facts,
  state,
  cli,
  must,
  ssmRun,
  packLocal,
  debVersion,
  runOnNodeConfigured,
  unitFields,
  uid,
  ensureUser,
  type ScriptAction,
} from './context.js';

/** The cluster comes up: this machine checked, nodes, Slurm, AWS, config, stage, boot, coordinator. */
export const clusterSteps: Step[] = [
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
      state.cleanups.push(() => destroyNetwork([...nodes.map((n) => n.ns), switchNs], LOG));
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
      state.cleanups.push(async () => void (await localDown(o.dir, { timeoutMs: 30_000 })));
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
      state.cleanups.push(() => server.close());
      // s3rver keeps its http.Server as `httpServer`: counted there, as the server received it.
      state.s3 = new S3Received((server as unknown as { httpServer: http.Server }).httpServer);
      const sock = path.join(R, 's3.sock');
      const unix: net.Server = await listenUnix(sock, PORTS.s3);
      state.cleanups.push(() => new Promise<void>((r) => unix.close(() => r())));
      const gateway = path.join(path.dirname(fileURLToPath(import.meta.url)), 's3-gateway.js');
      for (const n of nodes) {
        const pid = startDetached(
          'ip',
          ['netns', 'exec', n.ns, process.execPath, gateway, String(PORTS.s3), sock],
          path.join(R, 'logs', `s3-gateway-${n.name}.log`),
        );
        state.cleanups.push(() => signalAll([pid], 'SIGTERM'));
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
      state.cleanups.push(() => doubles.close());
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
          // p3's V100s need NVIDIA's closed-source driver: ParallelCluster 3.8 and later refuse
          // them on its official AMI, so a p3 cluster names its own (as `config image` makes).
          '--custom-ami',
          'ami-0123456789abcdef0',
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
      state.headAction = doc.HeadNode.CustomActions.OnNodeConfigured;
      state.computeAction = doc.Scheduling.SlurmQueues[0]?.CustomActions.OnNodeConfigured;
      return `Image.Os ${doc.Image.Os}; OnNodeConfigured ${state.headAction.Script} ${(state.headAction.Args ?? []).join(' ')}`;
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
      if (!state.headAction) throw new Error('no head node action in the config');
      const r = must(
        await runOnNodeConfigured(head, state.headAction),
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
      const action = state.computeAction;
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
      const uncompiled = runs.filter((r) => !r.stdout.includes("byte-compiled Blender's scripts"));
      if (uncompiled.length)
        throw new Error(`Blender's scripts were not byte-compiled on ${uncompiled.length} node(s)`);
      return "Node.js, the tool, Blender and ffmpeg from the bundle on each; Blender's scripts byte-compiled";
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
      state.coordinatorPid = startDetached(
        cmd[0] ?? 'ip',
        cmd.slice(1),
        path.join(R, 'logs', 'coordinator.log'),
        {},
      );
      state.cleanups.push(async () => {
        signalAll([state.coordinatorPid], 'SIGTERM');
        signalAll(await waitForExit([state.coordinatorPid], 10_000), 'SIGKILL');
      });
      const address = path.join(shared, 'cluster-tool', 'coordinator.json');
      for (let i = 0; i < 300 && !existsSync(address); i++) {
        if (!isAlive(state.coordinatorPid))
          throw new Error(`the coordinator exited; see ${path.join(R, 'logs', 'coordinator.log')}`);
        await sleep(100);
      }
      const url = (JSON.parse(readFileSync(address, 'utf8')) as { url: string }).url;
      if (url !== `http://${head.addr}:7070`)
        throw new Error(`the coordinator advertises ${url}, not the head node's own address`);
      return `User=${u.user}, advertises ${url}`;
    },
  },
];
