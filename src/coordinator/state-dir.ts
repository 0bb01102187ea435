import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError } from '../errors.js';

/** Where a coordinator keeps its database, token and job directories. */
export interface StateDir {
  dir: string;
  db: string;
  tokenFile: string;
  instanceFile: string;
  addressFile: string;
}

export function stateDir(dir: string): StateDir {
  return {
    dir,
    db: path.join(dir, 'coordinator.db'),
    tokenFile: path.join(dir, 'token'),
    instanceFile: path.join(dir, 'instance'),
    addressFile: path.join(dir, 'coordinator.json'),
  };
}

/** The state directory the CLI uses: --state-dir, $CLUSTER_TOOL_STATE_DIR, the head node's, or the local cluster's. */
export function defaultStateDir(): string {
  if (process.env.CLUSTER_TOOL_STATE_DIR) return process.env.CLUSTER_TOOL_STATE_DIR;
  if (existsSync('/shared/cluster-tool/coordinator.json')) return '/shared/cluster-tool';
  const local =
    process.env.CLUSTER_TOOL_LOCAL_DIR ?? path.join(os.homedir(), '.cluster-tool', 'local');
  return path.join(local, 'coordinator');
}

function readOrCreate(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const v = make();
  writeFileSync(file, v, { mode: 0o600 });
  return v;
}

/** Creates the directory, the user token and the instance id on first use. */
export function prepareStateDir(dir: string): StateDir & { token: string; instance: string } {
  const s = stateDir(dir);
  try {
    mkdirSync(path.join(dir, 'jobs'), { recursive: true, mode: 0o700 });
    // Other Unix users reach their enrolment folder and the address by name, list nothing; every
    // secret in it is a 0600 file of the operator's, the jobs folder 0700.
    chmodSync(dir, 0o711);
  } catch (err) {
    throw new CliError(`cannot use state directory ${dir}: ${(err as Error).message}`);
  }
  const token = readOrCreate(s.tokenFile, () => randomBytes(24).toString('hex'));
  const instance = readOrCreate(s.instanceFile, () => randomBytes(3).toString('hex'));
  return { ...s, token, instance };
}

/** Where a running coordinator listens, as written at its start. */
export interface CoordinatorAddress {
  url: string;
  pid: number;
  startedAt: number;
}

export function readAddress(dir: string): CoordinatorAddress | undefined {
  try {
    return JSON.parse(readFileSync(stateDir(dir).addressFile, 'utf8')) as CoordinatorAddress;
  } catch {
    return undefined;
  }
}

export function readToken(dir: string): string | undefined {
  try {
    return readFileSync(stateDir(dir).tokenFile, 'utf8').trim();
  } catch {
    return undefined;
  }
}
