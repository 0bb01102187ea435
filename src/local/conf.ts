import { renderTemplate } from '../templates/render.js';
import type { ClusterLayout } from './layout.js';
import { MARK_VARIABLE } from './marker.js';
import type { LocalClusterOptions } from './options.js';

export const PARTITION = 'gpu';
export const CLUSTER_NAME = 'ctlocal';

function range(prefix: string, first: number, count: number): string {
  return count === 1 ? `${prefix}${first}` : `${prefix}[${first}-${first + count - 1}]`;
}

/** slurm.conf and gres.conf for a local cluster, rendered from slurm/local/*.hbs. */
export function renderClusterConfig(
  o: LocalClusterOptions,
  l: ClusterLayout,
): { slurmConf: string; gresConf: string } {
  const p = o.placement;
  const gres = o.gpusPerNode ? ` Gres=gpu:${o.gpusPerNode}` : '';
  const shape = `CPUs=${o.cpusPerNode} RealMemory=1000${gres} State=UNKNOWN`;
  // One line for loopback nodes; one per node when each has its own address.
  const nodeLines = p
    ? p.nodeAddrs.map(
        (addr, i) =>
          `NodeName=node${i + 1} NodeHostname=localhost NodeAddr=${addr} Port=${o.portBase + 1 + i} ${shape}`,
      )
    : [
        `NodeName=${range('node', 1, o.nodes)} NodeHostname=localhost NodeAddr=127.0.0.1 Port=${range('', o.portBase + 1, o.nodes)} ${shape}`,
      ];
  const data = {
    nodeLines: nodeLines.join('\n'),
    ctldAddr: p?.controllerAddr ?? '',
    clusterName: CLUSTER_NAME,
    partition: PARTITION,
    nodeCount: o.nodes,
    ctldPort: o.portBase,
    nodeRange: range('node', 1, o.nodes),
    nodePortRange: range('', o.portBase + 1, o.nodes),
    cpusPerNode: o.cpusPerNode,
    gpusPerNode: o.gpusPerNode,
    lastGpu: o.gpusPerNode - 1,
    mungeSocket: l.mungeSocket,
    stateDir: l.stateDir,
    spoolDir: l.spoolDir,
    runDir: l.runDir,
    logDir: l.logDir,
    devDir: l.devDir,
    taskProlog: l.taskProlog,
  };
  return {
    slurmConf: renderTemplate('slurm/local/slurm.conf.hbs', data),
    gresConf: renderTemplate('slurm/local/gres.conf.hbs', data),
  };
}

/** The TaskProlog that marks every task of the cluster with `mark` (slurm/local/task-prolog.sh.hbs). */
export function renderTaskProlog(mark: string): string {
  return renderTemplate('slurm/local/task-prolog.sh.hbs', { markVariable: MARK_VARIABLE, mark });
}
