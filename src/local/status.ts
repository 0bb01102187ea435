import { readAddress } from '../coordinator/state-dir.js';
import type { SlurmJob, SlurmNode } from '../slurm/client.js';
import { coordinatorStateDir, localCoordinatorPid } from './coordinator-process.js';
import { clusterExports } from './exports.js';
import type { ClusterRecord, DaemonState, LocalCluster } from './local-cluster.js';

/** Everything `local status` shows about a cluster, as plain data (also its --json). */
export interface ClusterStatus {
  dir: string;
  running: boolean;
  shape: ClusterRecord;
  daemons: DaemonState;
  /** The daemons that do not run, by name: `slurmctld`, `slurmd of node2`, ... */
  notRunning: string[];
  coordinator: { pid: number; url: string | null; stateDir: string } | null;
  nodes: SlurmNode[];
  jobs: SlurmJob[];
  /** The `export` lines a shell needs to use this cluster. */
  exports: string[];
}

/** Gathers the status of a cluster that `up` made (its record must exist). */
export async function clusterStatus(
  cluster: LocalCluster,
  shape: ClusterRecord,
): Promise<ClusterStatus> {
  const daemons = cluster.daemons();
  const client = cluster.client(10_000);
  const nodes = daemons.slurmctld ? await client.nodes() : [];
  const jobs = daemons.slurmctld ? await client.squeue() : [];
  const stateDir = coordinatorStateDir(cluster);
  const pid = localCoordinatorPid(cluster);
  const coordinator =
    pid === undefined ? null : { pid, url: readAddress(stateDir)?.url ?? null, stateDir };
  const notRunning = [
    ...(daemons.munged === undefined ? ['munged'] : []),
    ...(daemons.slurmctld === undefined ? ['slurmctld'] : []),
    ...Object.entries(daemons.slurmd)
      .filter(([, p]) => p === undefined)
      .map(([n]) => `slurmd of ${n}`),
  ];
  return {
    dir: cluster.dir,
    running: notRunning.length === 0,
    shape,
    daemons,
    notRunning,
    coordinator,
    nodes,
    jobs,
    exports: clusterExports(cluster.dir, cluster.layout.slurmConf, coordinator?.stateDir),
  };
}
