import {
  copyFileSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256File } from '../aws/s3-stage.js';
import type { NodeRuntime } from '../config/os-support.js';
import { UsageError } from '../errors.js';
import { glibcNeededUnder } from './glibc-need.js';
import {
  MANIFEST_FILE,
  type BundleInfo,
  type BundleManifest,
  type BundlePart,
} from './manifest.js';
import { nodeRuntimePart } from './node-runtime.js';
import { makeTar } from './tar.js';
import { buildToolTree, toolVersion } from './tool-tree.js';

/** What goes into a bundle besides the tool itself. */
export interface BundleInputs {
  /** A Node.js linux tarball (nodejs.org, or a glibc-217 build); default: this machine's Node.js. */
  nodeTarball?: string;
  /** Which build `nodeTarball` is; default: read from its name (`-glibc-217`) or its binary. */
  nodeRuntime?: NodeRuntime;
  /** A Blender linux tarball (download.blender.org); none: the nodes render no Blender jobs. */
  blenderTarball?: string;
  /** An ffmpeg tarball with `ffmpeg` and `ffprobe` at its top (a static build). */
  ffmpegTarball?: string;
  log?: (line: string) => void;
}

/** The version in a release tarball's name (`blender-4.2.3-linux-x64.tar.xz` gives 4.2.3). */
export function versionFromName(file: string): string {
  return /(\d+\.\d+(?:\.\d+)?)/.exec(path.basename(file))?.[1] ?? 'unknown';
}

function checkTarball(file: string | undefined, flag: string): void {
  if (file === undefined) return;
  if (!/\.(tar|tar\.gz|tgz|tar\.xz|txz)$/.test(file))
    throw new UsageError(`${flag} ${file}: give the release tarball (.tar.xz, .tar.gz or .tar)`);
  try {
    if (statSync(file).isFile()) return;
  } catch {
    // reported below
  }
  throw new UsageError(`${flag} ${file} does not exist`);
}

async function part(
  dir: string,
  name: string,
  source: string,
  version: string,
  glibc?: string,
): Promise<BundlePart> {
  const ext = /\.(tar\.gz|tgz|tar\.xz|txz|tar)$/.exec(source)?.[1] ?? 'tar';
  const file = `${name}.${ext}`;
  // A hard link where the file system allows: Blender and Node.js are large.
  try {
    linkSync(source, path.join(dir, file));
  } catch {
    copyFileSync(source, path.join(dir, file));
  }
  return {
    file,
    sha256: await sha256File(source),
    size: statSync(source).size,
    version,
    ...(glibc ? { glibc } : {}),
  };
}

/**
 * Builds the one file the nodes install from: `manifest.json`, the tool with its production
 * dependencies, a Node.js runtime, and Blender and ffmpeg when given, each a tarball whose
 * SHA-256 the manifest records. The same inputs give the same bytes.
 */
export async function buildBundle(inputs: BundleInputs, out: string): Promise<BundleInfo> {
  const log = inputs.log ?? (() => {});
  checkTarball(inputs.nodeTarball, '--node-tarball');
  checkTarball(inputs.blenderTarball, '--blender-tarball');
  checkTarball(inputs.ffmpegTarball, '--ffmpeg-tarball');
  const work = mkdtempSync(path.join(os.tmpdir(), 'ct-bundle-'));
  try {
    const parts = path.join(work, 'parts');
    const tree = await buildToolTree(work, log);
    const toolFile = path.join(work, 'tool.tar.gz');
    await makeTar(toolFile, path.dirname(tree), [path.basename(tree)], { gzip: true });
    const node = await nodeRuntimePart(inputs, work, log);
    mkdirSync(parts);
    const manifest: BundleManifest = {
      format: 1,
      tool: await part(parts, 'tool', toolFile, toolVersion(), glibcNeededUnder(tree)),
      node: {
        ...(await part(parts, 'node', node.tarball, node.version, node.glibc)),
        runtime: node.runtime,
      },
      ...(inputs.blenderTarball
        ? {
            blender: await part(
              parts,
              'blender',
              inputs.blenderTarball,
              versionFromName(inputs.blenderTarball),
            ),
          }
        : {}),
      ...(inputs.ffmpegTarball
        ? {
            ffmpeg: await part(
              parts,
              'ffmpeg',
              inputs.ffmpegTarball,
              versionFromName(inputs.ffmpegTarball),
            ),
          }
        : {}),
    };
    writeFileSync(path.join(parts, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    const names = [MANIFEST_FILE, manifest.tool.file, manifest.node.file];
    if (manifest.blender) names.push(manifest.blender.file);
    if (manifest.ffmpeg) names.push(manifest.ffmpeg.file);
    log(`writing ${out}`);
    await makeTar(out, parts, names);
    return { file: out, sha256: await sha256File(out), size: statSync(out).size, manifest };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
