import { chmodSync, writeFileSync } from 'node:fs';
import { CliError } from '../errors.js';
import { compileBlenderScripts, describeCompiled } from '../renderers/blender/compile-scripts.js';
import type { SlurmNode } from '../slurm/client.js';
import { renderClusterConfig, renderTaskProlog } from './conf.js';
import { daemonEnv, mungeSpec, slurmctldSpec, slurmdSpec, type DaemonSpec } from './daemons.js';
import { LocalCluster, type ClusterRecord } from './local-cluster.js';
import { newMark } from './marker.js';
import { nodeNames, type LocalClusterOptions } from './options.js';
import { checkBinaries, checkPorts, makeGpuDevices, prepareDir } from './preflight.js';
import { which } from './procs.js';
import { startDaemon, waitForNodes } from './start-daemons.js';

/** What `localUp` did, and the nodes as they stand. */
export interface UpResult {
  alreadyRunning: boolean;
  cluster: LocalCluster;
  nodes: SlurmNode[];
}

// Daemons found running but not recorded (started before `up` recorded them) are recorded now.
function recordRunning(cluster: LocalCluster, specs: DaemonSpec[]): void {
  for (const d of specs) {
    const pid = cluster.daemon(d);
    if (pid !== undefined && cluster.started.live(d.role) !== pid)
      cluster.started.record(d.role, pid);
  }
}

// True when a cluster of this shape runs in full already; throws when one of another shape runs.
function alreadyRunning(cluster: LocalCluster, o: LocalClusterOptions): boolean {
  const existing = cluster.record();
  if (!existing) return false;
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
  return anyUp && cluster.isRunning();
}

function writeConfig(cluster: LocalCluster, o: LocalClusterOptions): void {
  const l = cluster.layout;
  const existing = cluster.record();
  const { slurmConf, gresConf } = renderClusterConfig(o, l);
  writeFileSync(l.slurmConf, slurmConf);
  writeFileSync(l.gresConf, gresConf);
  // One mark for the directory's life: tasks left from an earlier run still carry it.
  const mark = cluster.mark() ?? newMark();
  const record: ClusterRecord = {
    nodes: o.nodes,
    gpusPerNode: o.gpusPerNode,
    cpusPerNode: o.cpusPerNode,
    portBase: o.portBase,
    ...(o.placement ? { placement: o.placement } : {}),
    createdAt: existing?.createdAt ?? new Date().toISOString(),
    mark,
  };
  writeFileSync(l.stateFile, JSON.stringify(record, null, 2) + '\n');
  // Tasks run as whoever submits them, and every one of them runs the prolog.
  writeFileSync(l.taskProlog, renderTaskProlog(mark));
  chmodSync(l.taskProlog, 0o755);
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
  // Placed daemons start behind their prefixes; munged stays on this host with the key.
  const p = o.placement;
  const specs: DaemonSpec[] = [
    mungeSpec(l),
    { ...slurmctldSpec(l), via: p?.controllerVia },
    ...names.map((n, i) => ({ ...slurmdSpec(l, n), via: p?.nodeVia[i] })),
  ];
  if (alreadyRunning(cluster, o)) {
    recordRunning(cluster, specs);
    const nodes = await waitForNodes(cluster, names, opts.timeoutMs ?? 60_000);
    return { alreadyRunning: true, cluster, nodes };
  }
  // Check ports before writing anything, so a refusal changes nothing. Daemons placed in
  // namespaces of their own listen there, not on this host's ports.
  if (!o.placement) await checkPorts(o, cluster.daemons(names));
  // Blender writes no bytecode of its own scripts, so each of its starts compiles them unless
  // they were compiled once: done beside the daemons' start, and only ever a note when it fails.
  const compiling = which('blender')
    ? compileBlenderScripts().then(
        (dirs) => log(describeCompiled(dirs)),
        (err: Error) =>
          log(
            `could not byte-compile Blender's scripts (each Blender start compiles them): ${err.message}`,
          ),
      )
    : Promise.resolve();
  prepareDir(l);
  writeConfig(cluster, o);
  await makeGpuDevices(o, l);
  recordRunning(cluster, specs);

  const env = daemonEnv({ SLURM_CONF: l.slurmConf });
  for (const d of specs) {
    if (cluster.daemon(d) !== undefined) continue;
    log(`starting ${d.role}`);
    await startDaemon(cluster, d, env);
  }
  const nodes = await waitForNodes(cluster, names, opts.timeoutMs ?? 60_000);
  await compiling;
  return { alreadyRunning: false, cluster, nodes };
}
