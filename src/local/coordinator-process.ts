import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import { callApi } from '../api/http-client.js';
import { readAddress, readToken } from '../coordinator/state-dir.js';
import { packagePath } from '../paths.js';
import { spawnDetached } from '../process/run.js';
import { daemonEnv } from './daemons.js';
import type { LocalCluster } from './local-cluster.js';
import { PARTITION } from './conf.js';
import { argvOf, isAlive, portInUse, signalAll, tailLines, waitForExit } from './procs.js';

/** The local coordinator listens here: 100 above the cluster's port base. */
export function coordinatorPort(portBase: number): number {
  return portBase + 100;
}

/** The role the local coordinator is recorded under among the cluster's started processes. */
export const COORDINATOR_ROLE = 'coordinator';

/** The local coordinator's state directory (database, token, address): `<dir>/coordinator`. */
export function coordinatorStateDir(cluster: LocalCluster): string {
  return path.join(cluster.dir, 'coordinator');
}

async function answers(stateDir: string): Promise<boolean> {
  const address = readAddress(stateDir);
  const token = readToken(stateDir);
  if (!address || !token || !isAlive(address.pid)) return false;
  try {
    await callApi(address.url, token, 'GET', '/api/jobs', undefined, AbortSignal.timeout(2000));
    return true;
  } catch {
    return false;
  }
}

/** Starts the coordinator for a local cluster in the background (idempotent); returns its URL. */
export async function startLocalCoordinator(
  cluster: LocalCluster,
  portBase: number,
  log: (s: string) => void,
): Promise<{ url: string; alreadyRunning: boolean }> {
  const stateDir = coordinatorStateDir(cluster);
  if (await answers(stateDir))
    return { url: readAddress(stateDir)?.url ?? '', alreadyRunning: true };
  const port = coordinatorPort(portBase);
  if (await portInUse(port))
    throw new CliError(
      `port ${port} (for the coordinator) is already in use by another program; give another --port-base`,
    );
  const logFile = path.join(cluster.layout.logDir, 'coordinator.log');
  log(`starting the coordinator on 127.0.0.1:${port}`);
  const pid = spawnDetached(
    process.execPath,
    [
      packagePath('bin', 'cluster-tool.js'),
      'coordinator',
      'start',
      '--listen',
      `127.0.0.1:${port}`,
      '--state-dir',
      stateDir,
      '--slurm-conf',
      cluster.layout.slurmConf,
      '--partition',
      PARTITION,
    ],
    { logFile, env: daemonEnv({ SLURM_CONF: cluster.layout.slurmConf }) },
  );
  cluster.started.record(COORDINATOR_ROLE, pid);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (readAddress(stateDir)?.pid === pid && (await answers(stateDir)))
      return { url: readAddress(stateDir)?.url ?? '', alreadyRunning: false };
    if (!isAlive(pid)) break;
    await sleep(150);
  }
  throw new CliError(`the coordinator did not start:\n${tailLines(logFile, 10).join('\n')}`);
}

/**
 * The pid of the cluster's coordinator if it runs: the one `up` recorded, or (for a coordinator
 * started before `up` recorded it) the pid in its address file if that process is
 * `coordinator start` on this state directory.
 */
export function localCoordinatorPid(cluster: LocalCluster): number | undefined {
  const recorded = cluster.started.live(COORDINATOR_ROLE);
  if (recorded !== undefined) return recorded;
  const stateDir = coordinatorStateDir(cluster);
  const pid = readAddress(stateDir)?.pid;
  if (pid === undefined || !isAlive(pid)) return undefined;
  const argv = argvOf(pid);
  const at = argv.indexOf('--state-dir');
  return argv.includes('coordinator') && at > 0 && argv[at + 1] === stateDir ? pid : undefined;
}

/** Stops the local coordinator, if one runs; true when there was one. */
export async function stopLocalCoordinator(cluster: LocalCluster): Promise<boolean> {
  const pid = localCoordinatorPid(cluster);
  if (pid === undefined) return false;
  signalAll([pid], 'SIGTERM');
  const left = await waitForExit([pid], 10_000);
  signalAll(left, 'SIGKILL');
  await waitForExit(left, 5_000);
  cluster.started.forget(COORDINATOR_ROLE);
  return true;
}
