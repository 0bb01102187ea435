import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** The shape of a local cluster. Defaults: 4 nodes × 4 GPUs (a p3.8xlarge each). */
export interface LocalClusterOptions {
  dir: string;
  nodes: number;
  gpusPerNode: number;
  cpusPerNode: number;
  /** slurmctld listens here; node N's slurmd on portBase + N. */
  portBase: number;
  /** Where the daemons run; default: all on this host's loopback. */
  placement?: DaemonPlacement;
}

/**
 * Daemons placed apart, each behind a command prefix (`ip netns exec NS ...`) and reached at
 * its own address: how the rehearsal lays out a head node and compute nodes in network
 * namespaces. Slurm's commands run through the controller's prefix.
 */
export interface DaemonPlacement {
  controllerAddr: string;
  controllerVia: string[];
  /** One per node, in node order. */
  nodeAddrs: string[];
  nodeVia: string[][];
}

export const DEFAULTS = { nodes: 4, gpusPerNode: 4, portBase: 17000 } as const;

/** ~/.cluster-tool/local: the cluster directory when neither --dir nor the environment names one. */
export function homeClusterDir(): string {
  return path.join(os.homedir(), '.cluster-tool', 'local');
}

/** Where the local cluster lives unless --dir says otherwise: $CLUSTER_TOOL_LOCAL_DIR or ~/.cluster-tool/local. */
export function defaultClusterDir(): string {
  return path.resolve(process.env.CLUSTER_TOOL_LOCAL_DIR ?? homeClusterDir());
}

function int(name: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `--${name} must be a whole number from ${min} to ${max} (got ${String(value)})`,
    );
  }
  return n;
}

// slurm.conf cannot quote paths and munge's socket path must fit in sun_path (108 bytes).
const SAFE_DIR = /^\/[A-Za-z0-9._/+@-]*$/;

/** Validates raw CLI values into options; throws UsageError naming the flag. */
export function resolveOptions(raw: {
  dir?: string;
  nodes?: unknown;
  gpusPerNode?: unknown;
  cpusPerNode?: unknown;
  portBase?: unknown;
}): LocalClusterOptions {
  const nodes = int('nodes', raw.nodes ?? DEFAULTS.nodes, 1, 64);
  const gpusPerNode = int('gpus-per-node', raw.gpusPerNode ?? DEFAULTS.gpusPerNode, 0, 16);
  const cpusPerNode = int('cpus-per-node', raw.cpusPerNode ?? Math.max(4, gpusPerNode), 1, 1024);
  const portBase = int('port-base', raw.portBase ?? DEFAULTS.portBase, 1024, 65535 - nodes);
  const dir = path.resolve(raw.dir ?? defaultClusterDir());
  if (!SAFE_DIR.test(dir)) {
    throw new UsageError(
      `--dir ${JSON.stringify(dir)}: slurm.conf cannot hold this path; use letters, digits and . _ - + @ / only`,
    );
  }
  if (dir.length > 80) {
    throw new UsageError(
      `--dir is ${dir.length} characters long; munge's socket path must stay short, use at most 80`,
    );
  }
  return { dir, nodes, gpusPerNode, cpusPerNode, portBase };
}

/** Node names node1..nodeN. */
export function nodeNames(o: Pick<LocalClusterOptions, 'nodes'>): string[] {
  return Array.from({ length: o.nodes }, (_, i) => `node${i + 1}`);
}
