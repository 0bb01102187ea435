import { chmodSync, cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { NodeNet } from './network.js';

/** A rehearsal node: its network place, its root directory, its ParallelCluster role. */
export interface RehearsalNode extends NodeNet {
  root: string;
  type: 'HeadNode' | 'ComputeFleet';
}

/** The cluster-wide facts a node's layout needs. */
export interface ClusterFacts {
  stackName: string;
  region: string;
  user: string;
  headAddr: string;
  /** Directory holding the cluster's slurm.conf and gres.conf. */
  slurmEtc: string;
  shared: string;
  home: string;
}

// Slurm's commands, where ParallelCluster installs them (/opt/slurm/bin) and never on PATH.
const SLURM_COMMANDS = [
  'sbatch',
  'srun',
  'salloc',
  'squeue',
  'sinfo',
  'scontrol',
  'scancel',
  'sacct',
  'sstat',
];

const ENTER = path.join(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
  '..',
  '..',
  'scripts',
  'rehearsal',
  'enter-node.sh',
);

/**
 * Lays a node's root out the way a ParallelCluster 3 node looks to what runs on it: Slurm under
 * /opt/slurm/bin (links to this machine's Slurm, not on PATH), /etc/parallelcluster/cfnconfig
 * with the node type and cluster user, /etc/slurm with the cluster's slurm.conf (where this
 * machine's Slurm commands read it, as ParallelCluster's read /opt/slurm/etc), an /etc of its
 * own copied from this machine's (after the cluster user was added), the head node's NFS
 * exports, and mount points for the host's /usr, /dev, /proc, /sys, /tmp and the shared /home
 * and /shared.
 */
export function layoutNode(n: RehearsalNode, c: ClusterFacts): void {
  const r = (...p: string[]) => path.join(n.root, ...p);
  for (const d of [
    'usr',
    'dev',
    'proc',
    'sys',
    'tmp',
    'shared',
    'home',
    'root',
    'run',
    'var/log',
    'var/lib',
    'var/tmp',
    'opt/slurm/bin',
  ])
    mkdirSync(r(d), { recursive: true });
  chmodSync(r('var/tmp'), 0o1777);
  for (const [link, to] of [
    ['bin', 'usr/bin'],
    ['sbin', 'usr/sbin'],
    ['lib', 'usr/lib'],
    ['lib64', 'usr/lib64'],
  ] as const)
    symlinkSync(to, r(link));
  cpSync('/etc', r('etc'), { recursive: true, dereference: false, verbatimSymlinks: true });
  for (const cmd of SLURM_COMMANDS) symlinkSync(`/usr/bin/${cmd}`, r('opt/slurm/bin', cmd));
  mkdirSync(r('etc/slurm'), { recursive: true });
  for (const f of ['slurm.conf', 'gres.conf']) cpSync(path.join(c.slurmEtc, f), r('etc/slurm', f));
  mkdirSync(r('etc/parallelcluster'), { recursive: true });
  // The keys aws-parallelcluster-cookbook's init/cfnconfig.erb writes that the scripts read.
  const lines = [
    `stack_name=${c.stackName}`,
    `cfn_region=${c.region}`,
    'cfn_scheduler=slurm',
    `cfn_node_type=${n.type}`,
    `cfn_cluster_user=${c.user}`,
    'cfn_ebs_shared_dirs=/shared',
    ...(n.type === 'ComputeFleet'
      ? [
          `cfn_head_node=ip-${c.headAddr.replaceAll('.', '-')}`,
          `cfn_head_node_private_ip=${c.headAddr}`,
        ]
      : []),
  ];
  writeFileSync(r('etc/parallelcluster/cfnconfig'), lines.join('\n') + '\n');
  // The head node exports the shared directories over NFS to the cluster's subnet, as
  // ParallelCluster's head node does (the file the tool reads for its shared roots).
  if (n.type === 'HeadNode') {
    const subnet = `${c.headAddr.split('.').slice(0, 3).join('.')}.0/24`;
    const exported = ['/home', '/shared', '/opt/slurm'].map(
      (d) => `${d} ${subnet}(rw,sync,no_root_squash)`,
    );
    writeFileSync(r('etc/exports'), exported.join('\n') + '\n');
  }
  // No systemd here: /run/systemd/system stays absent, as sd_booted(3) expects.
  for (const f of ['etc/systemd/system']) mkdirSync(r(f), { recursive: true });
}

/** The command line that runs `cmd` on node `n` (its network namespace, its root). */
export function onNode(
  n: RehearsalNode,
  c: Pick<ClusterFacts, 'shared' | 'home'>,
  cmd: readonly string[],
): string[] {
  // nsenter, not `ip netns exec`: that one remounts /sys for the namespace, and with it go the
  // cgroup mounts slurmd needs. Only the network namespace changes; the mounts are private.
  return [
    'nsenter',
    `--net=/run/netns/${n.ns}`,
    'unshare',
    '--mount',
    '--propagation',
    'private',
    'bash',
    ENTER,
    n.root,
    c.shared,
    c.home,
    ...cmd,
  ];
}
