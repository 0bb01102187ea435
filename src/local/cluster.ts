import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, MissingBinaryError } from '../errors.js';
import { runCommand } from '../process/run.js';
import { makeDirs } from '../util/fs.js';
import { isJobActive, SlurmClient, type SlurmNode } from '../slurm/client.js';
import { renderClusterConfig } from './conf.js';
import { clusterLayout, type ClusterLayout } from './layout.js';
import { nodeNames, type LocalClusterOptions } from './options.js';
import {
  clusterProcesses,
  livePid,
  portInUse,
  signalAll,
  tailLines,
  waitForExit,
  which,
} from './procs.js';

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

/** What a cluster directory records about the cluster it holds. */
interface ClusterRecord extends Omit<LocalClusterOptions, 'dir'> {
  createdAt: string;
}

export interface DaemonState {
  munged: number | undefined;
  slurmctld: number | undefined;
  slurmd: Record<string, number | undefined>;
}

/** A local Slurm cluster rooted at one directory. */
export class LocalCluster {
  readonly layout: ClusterLayout;
  constructor(readonly dir: string) {
    this.layout = clusterLayout(dir);
  }

  /** The client that talks to this cluster (through the controller's prefix when it has one). */
  client(timeoutMs?: number): SlurmClient {
    return new SlurmClient({
      slurmConf: this.layout.slurmConf,
      timeoutMs,
      via: this.record()?.placement?.controllerVia,
    });
  }

  /** The recorded shape, if `up` ever ran here. */
  record(): ClusterRecord | undefined {
    try {
      return JSON.parse(readFileSync(this.layout.stateFile, 'utf8')) as ClusterRecord;
    } catch {
      return undefined;
    }
  }

  daemons(nodes: string[] = nodeNames({ nodes: this.record()?.nodes ?? 0 })): DaemonState {
    const l = this.layout;
    return {
      munged: livePid(l.mungePid, 'munged'),
      slurmctld: livePid(l.ctldPid, 'slurmctld'),
      slurmd: Object.fromEntries(nodes.map((n) => [n, livePid(l.slurmdPid(n), 'slurmd')])),
    };
  }

  /** True when munge, slurmctld and every slurmd of the recorded shape are running. */
  isRunning(): boolean {
    const d = this.daemons();
    return (
      d.munged !== undefined &&
      d.slurmctld !== undefined &&
      Object.values(d.slurmd).every((p) => p !== undefined)
    );
  }
}

function checkBinaries(): void {
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

function prepareDir(l: ClusterLayout): void {
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

async function checkPorts(o: LocalClusterOptions, state: DaemonState): Promise<void> {
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

async function makeGpuDevices(o: LocalClusterOptions, l: ClusterLayout): Promise<void> {
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

async function startMunge(l: ClusterLayout): Promise<void> {
  if (!existsSync(l.mungeKey)) writeFileSync(l.mungeKey, randomBytes(1024), { mode: 0o600 });
  await runCommand('munged', [
    // A private socket under a 0700 home or mkdtemp directory is only reachable by its owner,
    // which is all this cluster needs; --force turns munged's "everyone must reach it" into a warning.
    '--force',
    `--key-file=${l.mungeKey}`,
    `--socket=${l.mungeSocket}`,
    `--pid-file=${l.mungePid}`,
    `--log-file=${l.mungeLog}`,
    `--seed-file=${path.join(l.mungeDir, 'munged.seed')}`,
  ]).catch((err: Error) => {
    throw new CliError(
      `munged did not start: ${err.message}\n${tailLines(l.mungeLog, 5).join('\n')}`,
    );
  });
}

async function startDaemon(
  file: string,
  args: string[],
  env: Record<string, string | undefined>,
  log: string,
  via: readonly string[] = [],
): Promise<void> {
  const [viaFile, ...viaArgs] = via;
  await runCommand(viaFile ?? file, viaFile ? [...viaArgs, file, ...args] : args, {
    env,
    timeoutMs: 30_000,
  }).catch((err: Error) => {
    throw new CliError(`${file} did not start: ${err.message}\n${tailLines(log, 8).join('\n')}`);
  });
}

function describeFailure(
  l: ClusterLayout,
  nodes: SlurmNode[] | undefined,
  names: string[],
): string {
  const lines = [
    nodes
      ? `node states: ${nodes.map((n) => `${n.name}=${n.state}${n.flags.length ? `+${n.flags.join('+')}` : ''}`).join(', ')}`
      : 'slurmctld did not answer',
    `slurmctld log (${l.ctldLog}):`,
    ...tailLines(l.ctldLog, 8, /error|fatal|invalid/i).map((s) => `  ${s}`),
  ];
  for (const n of names) {
    const errs = tailLines(l.slurmdLog(n), 3, /error|fatal/i);
    if (errs.length) lines.push(`slurmd ${n} log:`, ...errs.map((s) => `  ${s}`));
  }
  return lines.join('\n');
}

/** Waits until every node is idle (or allocated: jobs may already run after a restart). */
async function waitForNodes(
  cluster: LocalCluster,
  names: string[],
  timeoutMs: number,
): Promise<SlurmNode[]> {
  const client = cluster.client(5_000);
  const deadline = Date.now() + timeoutMs;
  let last: SlurmNode[] | undefined;
  for (;;) {
    try {
      last = await client.nodes();
      const ready = names.every((n) => {
        const node = last?.find((x) => x.name === n);
        return (
          node &&
          ['idle', 'allocated', 'mixed'].includes(node.state) &&
          !node.flags.includes('NOT_RESPONDING')
        );
      });
      if (ready) return last;
    } catch {
      // slurmctld may not answer for its first second
    }
    if (Date.now() > deadline) {
      throw new CliError(
        `the local cluster did not become ready within ${Math.round(timeoutMs / 1000)} s.\n${describeFailure(cluster.layout, last, names)}`,
      );
    }
    await sleep(200);
  }
}

export interface UpResult {
  alreadyRunning: boolean;
  cluster: LocalCluster;
  nodes: SlurmNode[];
}

/**
 * Starts munge, slurmctld and one slurmd per node, and returns once every node is idle.
 * Idempotent: on a running cluster of the same shape it changes nothing.
 */
export async function localUp(
  o: LocalClusterOptions,
  opts: { timeoutMs?: number; log?: (s: string) => void } = {},
): Promise<UpResult> {
  const log = opts.log ?? (() => {});
  checkBinaries();
  const cluster = new LocalCluster(o.dir);
  const l = cluster.layout;
  const names = nodeNames(o);
  const existing = cluster.record();
  if (existing) {
    const state = cluster.daemons(nodeNames(existing));
    const anyUp =
      state.slurmctld !== undefined || Object.values(state.slurmd).some((p) => p !== undefined);
    const sameShape =
      existing.nodes === o.nodes &&
      existing.gpusPerNode === o.gpusPerNode &&
      existing.cpusPerNode === o.cpusPerNode &&
      existing.portBase === o.portBase;
    if (anyUp && !sameShape) {
      throw new CliError(
        `a local cluster of ${existing.nodes} nodes × ${existing.gpusPerNode} GPUs (ports from ${existing.portBase}) already runs in ${o.dir}. ` +
          `Run \`cluster-tool local down --dir ${o.dir}\` first to change its shape.`,
      );
    }
    if (anyUp && cluster.isRunning()) {
      return {
        alreadyRunning: true,
        cluster,
        nodes: await waitForNodes(cluster, names, opts.timeoutMs ?? 60_000),
      };
    }
  }
  // Check ports before writing anything, so a refusal changes nothing. Daemons placed in
  // namespaces of their own listen there, not on this host's ports.
  const state = cluster.daemons(names);
  if (!o.placement) await checkPorts(o, state);
  prepareDir(l);

  const { slurmConf, gresConf } = renderClusterConfig(o, l);
  writeFileSync(l.slurmConf, slurmConf);
  writeFileSync(l.gresConf, gresConf);
  const record: ClusterRecord = {
    nodes: o.nodes,
    gpusPerNode: o.gpusPerNode,
    cpusPerNode: o.cpusPerNode,
    portBase: o.portBase,
    ...(o.placement ? { placement: o.placement } : {}),
    createdAt: existing?.createdAt ?? new Date().toISOString(),
  };
  writeFileSync(l.stateFile, JSON.stringify(record, null, 2) + '\n');
  await makeGpuDevices(o, l);

  const env = { ...process.env, SLURM_CONF: l.slurmConf };
  if (state.munged === undefined) {
    log('starting munged');
    await startMunge(l);
  }
  if (state.slurmctld === undefined) {
    log('starting slurmctld');
    await startDaemon('slurmctld', ['-f', l.slurmConf], env, l.ctldLog, o.placement?.controllerVia);
  }
  for (const [i, n] of names.entries()) {
    if (state.slurmd[n] !== undefined) continue;
    log(`starting slurmd for ${n}`);
    await startDaemon(
      'slurmd',
      ['-f', l.slurmConf, '-N', n],
      env,
      l.slurmdLog(n),
      o.placement?.nodeVia[i],
    );
  }
  const nodes = await waitForNodes(cluster, names, opts.timeoutMs ?? 60_000);
  return { alreadyRunning: false, cluster, nodes };
}

export interface DownResult {
  cancelledJobs: number[];
  stopped: number;
  killedLeftovers: string[];
}

/**
 * Cancels every job, waits for the queue to drain, stops the daemons, and kills any process of
 * the cluster still alive (under proctrack/linuxproc, steps can outlive slurmd).
 */
export async function localDown(
  dir: string,
  opts: { timeoutMs?: number; log?: (s: string) => void } = {},
): Promise<DownResult> {
  const log = opts.log ?? (() => {});
  const cluster = new LocalCluster(dir);
  const l = cluster.layout;
  const result: DownResult = { cancelledJobs: [], stopped: 0, killedLeftovers: [] };
  const record = cluster.record();
  const state = cluster.daemons(nodeNames({ nodes: record?.nodes ?? 0 }));
  if (state.slurmctld !== undefined) {
    const client = cluster.client(10_000);
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    try {
      const active = async () => (await client.squeue()).filter(isJobActive);
      let jobs = await active();
      result.cancelledJobs = jobs.map((j) => j.jobId);
      if (jobs.length) log(`cancelling ${jobs.length} job(s)`);
      await client.scancel(result.cancelledJobs);
      while (jobs.length > 0 && Date.now() < deadline) {
        await sleep(250);
        jobs = await active();
        await client
          .scancel(jobs.filter((j) => j.state !== 'COMPLETING').map((j) => j.jobId))
          .catch(() => {});
      }
      if (jobs.length > 0)
        log(
          `the queue did not drain (${jobs.map((j) => `${j.jobId}:${j.state}`).join(' ')}); stopping anyway`,
        );
    } catch (err) {
      log(`could not drain the queue: ${(err as Error).message}`);
    }
  }
  const daemonPids = [...Object.values(state.slurmd), state.slurmctld].filter(
    (p): p is number => p !== undefined,
  );
  if (daemonPids.length) log('stopping slurmd and slurmctld');
  signalAll(daemonPids, 'SIGTERM');
  const lingering = await waitForExit(daemonPids, 15_000);
  signalAll(lingering, 'SIGKILL');
  await waitForExit(lingering, 5_000);
  result.stopped = daemonPids.length;

  // Steps, job processes and anything else that carries this cluster's slurm.conf.
  const leftovers = clusterProcesses(l.slurmConf).filter((p) => p.pid !== state.munged);
  if (leftovers.length) {
    result.killedLeftovers = leftovers.map((p) => `${p.pid} ${p.command}`);
    signalAll(
      leftovers.map((p) => p.pid),
      'SIGKILL',
    );
    await waitForExit(
      leftovers.map((p) => p.pid),
      5_000,
    );
  }
  if (state.munged !== undefined) {
    signalAll([state.munged], 'SIGTERM');
    const left = await waitForExit([state.munged], 5_000);
    signalAll(left, 'SIGKILL');
    result.stopped += 1;
  }
  return result;
}
