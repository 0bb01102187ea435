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

/**
 * The tool's native modules (better-sqlite3) are built for this machine's Node.js: the staged
 * one must load them, so its module ABI must be the same.
 */
async function checkAbi(node: string, version: string): Promise<void> {
  const ours = process.versions.modules;
  const theirs = await runCommand(node, ['-p', 'process.versions.modules'], { timeoutMs: 30_000 })
    .then((r) => r.stdout.trim())
    .catch(() => undefined);
  const sameMajor = version.split('.')[0] === process.versions.node.split('.')[0];
  if (theirs === undefined ? !sameMajor : theirs !== ours)
    throw new UsageError(
      `--node-tarball is Node.js ${version}, but the tool's native modules are built for this machine's Node.js ${process.versions.node}: ` +
        `stage with a Node.js of the same major version as the one running \`cluster-tool stage\` (${process.versions.node.split('.')[0]}.x)`,
    );
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
    const version = /v(\d+\.\d+\.\d+)/.exec(path.basename(o.nodeTarball))?.[1] ?? 'unknown';
    await checkAbi(bin, version);
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
