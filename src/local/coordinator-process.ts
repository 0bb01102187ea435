import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import { callApi } from '../coordinator/http-client.js';
import { readAddress, readToken } from '../coordinator/state-dir.js';
import { packagePath } from '../paths.js';
import { spawnDetached } from '../process/run.js';
import type { LocalCluster } from './cluster.js';
import { PARTITION } from './conf.js';
import { isAlive, portInUse, signalAll, tailLines, waitForExit } from './procs.js';

/** The local coordinator listens here: 100 above the cluster's port base. */
export function coordinatorPort(portBase: number): number {
  return portBase + 100;
}

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
    { logFile, env: { ...process.env, SLURM_CONF: cluster.layout.slurmConf } },
  );
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (readAddress(stateDir)?.pid === pid && (await answers(stateDir)))
      return { url: readAddress(stateDir)?.url ?? '', alreadyRunning: false };
    if (!isAlive(pid)) break;
    await sleep(150);
  }
  throw new CliError(`the coordinator did not start:\n${tailLines(logFile, 10).join('\n')}`);
}

/** Stops the local coordinator, if one runs. */
export async function stopLocalCoordinator(cluster: LocalCluster): Promise<boolean> {
  const address = readAddress(coordinatorStateDir(cluster));
  if (!address || !isAlive(address.pid)) return false;
  signalAll([address.pid], 'SIGTERM');
  const left = await waitForExit([address.pid], 10_000);
  signalAll(left, 'SIGKILL');
  return true;
}
