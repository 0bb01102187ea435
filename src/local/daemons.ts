import path from 'node:path';
import type { ClusterLayout } from './layout.js';
import { MARK_VARIABLE } from './marker.js';

/** How one daemon of a local cluster is started and known again. */
export interface DaemonSpec {
  /** The name it is recorded under: `munged`, `slurmctld`, `slurmd node1`, ... */
  role: string;
  program: string;
  args: string[];
  /** Where the daemon writes its pid once it has gone to the background. */
  pidFile: string;
  /** An argument naming a file of this cluster only: a pid file naming another program fails it. */
  ownArg: string;
  log: string;
  /** A command prefix it starts behind (`ip netns exec NS`), when it runs apart from this host. */
  via?: readonly string[];
}

/** munged with this cluster's key, socket and files. */
export function mungeSpec(l: ClusterLayout): DaemonSpec {
  const keyArg = `--key-file=${l.mungeKey}`;
  return {
    role: 'munged',
    program: 'munged',
    args: [
      // A private socket under a 0700 home or mkdtemp directory is only reachable by its owner,
      // which is all this cluster needs; --force turns munged's "everyone must reach it" into a warning.
      '--force',
      keyArg,
      `--socket=${l.mungeSocket}`,
      `--pid-file=${l.mungePid}`,
      `--log-file=${l.mungeLog}`,
      `--seed-file=${path.join(l.mungeDir, 'munged.seed')}`,
    ],
    pidFile: l.mungePid,
    ownArg: keyArg,
    log: l.mungeLog,
  };
}

/** slurmctld on this cluster's slurm.conf. */
export function slurmctldSpec(l: ClusterLayout): DaemonSpec {
  return {
    role: 'slurmctld',
    program: 'slurmctld',
    args: ['-f', l.slurmConf],
    pidFile: l.ctldPid,
    ownArg: l.slurmConf,
    log: l.ctldLog,
  };
}

/** The slurmd that plays `node`. */
export function slurmdSpec(l: ClusterLayout, node: string): DaemonSpec {
  return {
    role: `slurmd ${node}`,
    program: 'slurmd',
    args: ['-f', l.slurmConf, '-N', node],
    pidFile: l.slurmdPid(node),
    ownArg: l.slurmConf,
    log: l.slurmdLog(node),
  };
}

/** The environment for the cluster's daemons: the caller's, without any cluster's task mark. */
export function daemonEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  // A daemon started from inside another cluster's job must not look like that job's process.
  const env: Record<string, string | undefined> = { ...process.env, ...extra };
  delete env[MARK_VARIABLE];
  return env;
}
