import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { NodeRuntime } from '../config/os-support.js';
import { UsageError } from '../errors.js';
import { runCommand } from '../process/run.js';
import { glibcNeeded } from './glibc-need.js';
import { extractTar, makeTar } from './tar.js';

/** The Node.js part of a bundle, ready to copy in. */
export interface NodeRuntimePart {
  tarball: string;
  version: string;
  runtime: NodeRuntime;
  glibc?: string;
}

/** The build a binary is: glibc-217 when it asks for nothing newer than 2.17. */
function runtimeOf(name: string, glibc: string | undefined): NodeRuntime {
  if (name.includes('glibc-217')) return 'glibc-217';
  return glibc && Number(glibc.split('.')[1]) <= 17 ? 'glibc-217' : 'glibc-228';
}

/** The oldest Node.js major the tool runs on (package.json `engines`). */
export const NODE_MAJOR_NEEDED = 24;

/**
 * The staged Node.js must be one the tool runs on. Its native module (better-sqlite3) is built
 * on Node-API, which every newer Node.js loads, so the major version is all that must match.
 */
async function checkVersion(node: string, named: string): Promise<string> {
  const version = await runCommand(node, ['-p', 'process.versions.node'], { timeoutMs: 30_000 })
    .then((r) => r.stdout.trim())
    .catch(() => named);
  if (!(Number(version.split('.')[0]) >= NODE_MAJOR_NEEDED))
    throw new UsageError(
      `--node-tarball is Node.js ${version}, and cluster-tool runs on Node.js ${NODE_MAJOR_NEEDED} or newer: ` +
        `give a node-v${NODE_MAJOR_NEEDED}.x linux-x64 tarball (nodejs.org)`,
    );
  return version;
}

/**
 * The Node.js runtime for the nodes: the tarball given (checked against the tool's native
 * modules), or this machine's own Node.js packed as `node-vX-linux-x64/bin/node` when it is a
 * self-contained Linux build (nodejs.org's is; a distribution's that needs libnode is not).
 */
export async function nodeRuntimePart(
  o: { nodeTarball?: string; nodeRuntime?: NodeRuntime },
  work: string,
  log: (s: string) => void,
): Promise<NodeRuntimePart> {
  const probe = path.join(work, 'node-probe');
  mkdirSync(probe);
  if (o.nodeTarball) {
    await extractTar(o.nodeTarball, probe);
    const top = readdirSync(probe)[0] ?? '';
    const bin = path.join(probe, top, 'bin', 'node');
    const named = /v(\d+\.\d+\.\d+)/.exec(path.basename(o.nodeTarball))?.[1] ?? 'unknown';
    const version = await checkVersion(bin, named);
    const glibc = glibcNeeded(bin);
    return {
      tarball: o.nodeTarball,
      version,
      runtime: o.nodeRuntime ?? runtimeOf(path.basename(o.nodeTarball), glibc),
      glibc,
    };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new UsageError(
      `this machine's Node.js is ${process.platform}-${process.arch}, and the nodes run linux-x64: give --node-tarball node-v${process.versions.node}-linux-x64.tar.xz (nodejs.org)`,
    );
  const ldd = await runCommand('ldd', [process.execPath]).catch(() => ({ stdout: '' }));
  if (/libnode\.so/.test(ldd.stdout))
    throw new UsageError(
      `this machine's Node.js (${process.execPath}) needs libnode from its distribution, so it cannot be copied to the nodes: give --node-tarball node-v${process.versions.node}-linux-x64.tar.xz (nodejs.org)`,
    );
  const name = `node-v${process.versions.node}-linux-x64`;
  mkdirSync(path.join(probe, name, 'bin'), { recursive: true });
  copyFileSync(process.execPath, path.join(probe, name, 'bin', 'node'));
  const tarball = path.join(work, `${name}.tar.gz`);
  log(`packing this machine's Node.js ${process.versions.node} (${process.execPath})`);
  await makeTar(tarball, probe, [name], { gzip: true });
  const glibc = glibcNeeded(process.execPath);
  return {
    tarball,
    version: process.versions.node,
    runtime: o.nodeRuntime ?? runtimeOf(name, glibc),
    glibc,
  };
}
