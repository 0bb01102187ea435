import { stopLocalCoordinator } from './coordinator-process.js';
import { drainJobs } from './drain.js';
import { LocalCluster } from './local-cluster.js';
import { markedProcesses, type MarkedProcess } from './marker.js';
import { nodeNames } from './options.js';
import { signalAll, waitForExit } from './procs.js';

/** What `localDown` ended. */
export interface DownResult {
  coordinatorStopped: boolean;
  cancelledJobs: number[];
  /** Daemons stopped (slurmd, slurmctld, munged). */
  stopped: number;
  /** Processes of the cluster's jobs that Slurm did not end, killed by the sweep: `pid command`. */
  killedLeftovers: string[];
}

async function stop(pids: number[], graceMs: number): Promise<void> {
  signalAll(pids, 'SIGTERM');
  const lingering = await waitForExit(pids, graceMs);
  signalAll(lingering, 'SIGKILL');
  await waitForExit(lingering, 5_000);
}

async function kill(procs: MarkedProcess[], into: string[]): Promise<void> {
  if (!procs.length) return;
  into.push(...procs.map((p) => `${p.pid} ${p.command}`));
  const pids = procs.map((p) => p.pid);
  signalAll(pids, 'SIGKILL');
  await waitForExit(pids, 5_000);
}

/**
 * Takes the cluster in `dir` down, ending only what it started: the coordinator, then every job
 * through Slurm (scancel, until the queue is empty and no node completes), then the daemons it
 * recorded (by pid and start time), then any process that still carries the cluster's task mark
 * or is one of its slurmstepd, and munged last. A process that merely has the cluster's
 * SLURM_CONF in its environment (a user's shell, a `status --watch`) is left alone.
 */
export async function localDown(
  dir: string,
  opts: { timeoutMs?: number; log?: (s: string) => void } = {},
): Promise<DownResult> {
  const log = opts.log ?? (() => {});
  const cluster = new LocalCluster(dir);
  const mark = cluster.mark();
  const state = cluster.daemons(nodeNames({ nodes: cluster.record()?.nodes ?? 0 }));
  const killed: string[] = [];
  // The coordinator goes first, or it would submit new allocations for jobs that still have work.
  const coordinatorStopped = await stopLocalCoordinator(cluster);
  if (coordinatorStopped) log('stopped the coordinator');

  let cancelledJobs: number[] = [];
  if (state.slurmctld !== undefined) {
    cancelledJobs = await drainJobs(cluster, {
      timeoutMs: opts.timeoutMs ?? 60_000,
      // slurmd sends SIGKILL KillWait (5 s) after SIGTERM; what is left then escaped its step.
      stuckAfterMs: 8_000,
      onStuck: () => kill(markedProcesses(mark, dir, { tasksOnly: true }), killed),
      log,
    }).catch((err: Error) => {
      log(`could not drain the queue: ${err.message}`);
      return [];
    });
  }
  const daemonPids = [...Object.values(state.slurmd), state.slurmctld].filter(
    (p): p is number => p !== undefined,
  );
  if (daemonPids.length) log('stopping slurmd and slurmctld');
  await stop(daemonPids, 15_000);
  // The last resort: what the cluster's jobs started and Slurm did not end.
  await kill(markedProcesses(mark, dir), killed);
  if (state.munged !== undefined) await stop([state.munged], 5_000);
  cluster.started.prune();
  if (killed.length) log(`killed ${killed.length} leftover process(es) of the cluster's jobs`);
  return {
    coordinatorStopped,
    cancelledJobs,
    stopped: daemonPids.length + (state.munged === undefined ? 0 : 1),
    killedLeftovers: killed,
  };
}
