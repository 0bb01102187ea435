import { accessSync, constants, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError, MissingBinaryError } from '../errors.js';
import { runCommand } from '../process/run.js';
import { makeDirs } from '../util/fs.js';
import type { DaemonState } from './local-cluster.js';
import type { ClusterLayout } from './layout.js';
import { nodeNames, type LocalClusterOptions } from './options.js';
import { portInUse, which } from './procs.js';

/** Programs `up` needs, with the Debian package that has each. */
export const REQUIRED_BINARIES: Record<string, string> = {
  munged: 'munge',
  munge: 'munge',
  slurmctld: 'slurmctld',
  slurmd: 'slurmd',
  sinfo: 'slurm-client',
  squeue: 'slurm-client',
  sbatch: 'slurm-client',
  srun: 'slurm-client',
  scontrol: 'slurm-client',
  scancel: 'slurm-client',
  mknod: 'coreutils',
};

/** Throws MissingBinaryError naming the package of the first program `up` needs and lacks. */
export function checkBinaries(): void {
  for (const [bin, pkg] of Object.entries(REQUIRED_BINARIES)) {
    if (!which(bin)) {
      throw new MissingBinaryError(
        bin,
        `The local cluster needs Debian's ${pkg} package: run \`cluster-tool local install\` as root ` +
          '(or `apt-get install slurm-wlm munge`). If it is installed, add /usr/sbin to PATH.',
      );
    }
  }
}

/** Creates the cluster's directories and proves the tree is writable. */
export function prepareDir(l: ClusterLayout): void {
  try {
    for (const d of [l.dir, l.etcDir, l.devDir, l.stateDir, l.spoolDir, l.logDir]) makeDirs(d);
    makeDirs(l.mungeDir, 0o700);
    // munged wants its socket directory readable and searchable by all.
    makeDirs(l.runDir, 0o755);
    accessSync(l.dir, constants.W_OK);
    const probe = path.join(l.dir, `.write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    throw new CliError(
      `cannot use --dir ${l.dir}: ${(err as Error).message}. Pick a directory you can write to (for example --dir /tmp/ct-local).`,
    );
  }
}

/** Refuses (changing nothing) when a port a daemon still to start needs is taken. */
export async function checkPorts(o: LocalClusterOptions, state: DaemonState): Promise<void> {
  const wanted: { port: number; who: string }[] = [];
  if (state.slurmctld === undefined) wanted.push({ port: o.portBase, who: 'slurmctld' });
  nodeNames(o).forEach((n, i) => {
    if (state.slurmd[n] === undefined)
      wanted.push({ port: o.portBase + 1 + i, who: `slurmd of ${n}` });
  });
  for (const { port, who } of wanted) {
    if (await portInUse(port)) {
      throw new CliError(
        `port ${port} (for ${who}) is already in use by another program. Stop it, or give another --port-base ` +
          `(this cluster needs ports ${o.portBase}-${o.portBase + o.nodes}).`,
      );
    }
  }
}

/** Creates the character devices that gres.conf names as the nodes' GPUs. */
export async function makeGpuDevices(o: LocalClusterOptions, l: ClusterLayout): Promise<void> {
  for (let i = 0; i < o.gpusPerNode; i++) {
    const dev = path.join(l.devDir, `nvidia${i}`);
    if (existsSync(dev)) continue;
    try {
      // The numbers of /dev/null: a harmless character device that Slurm accepts as a GPU file.
      await runCommand('mknod', [dev, 'c', '1', '3']);
    } catch (err) {
      throw new CliError(
        `could not create the GPU device files under ${l.devDir} (mknod needs root): ${(err as Error).message}. ` +
          'Run as root, or use --gpus-per-node 0.',
      );
    }
  }
}
