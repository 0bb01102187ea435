import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageFile } from '../../src/aws/s3-stage.js';
import { bootstrapKey } from '../../src/aws/layout.js';
import { buildBundle } from '../../src/bundle/build.js';
import type { BundleInfo } from '../../src/bundle/manifest.js';
import { renderBootstrapScripts } from '../../src/config/bootstrap.js';
import { startS3Server } from '../helpers/s3-server.js';

// A compute node installs everything from the bucket: the bundle `stage` builds, fetched with
// the real AWS CLI from an S3-compatible server on loopback, unpacked under a temporary root.
const BUCKET = 'ct-bundle-bucket';
const root = mkdtempSync('/tmp/ct-bundle-it-');
let server: S3rver;
let env: Record<string, string>;
let bundle: BundleInfo;

/** A tarball with one top directory holding executable shell scripts (stand-ins by name only). */
function tarball(name: string, programs: string[]): string {
  const dir = path.join(root, 'src', name);
  mkdirSync(dir, { recursive: true });
  for (const p of programs) {
    writeFileSync(path.join(dir, p), `#!/bin/sh\necho "${p} from the bundle"\n`);
    chmodSync(path.join(dir, p), 0o755);
  }
  const file = path.join(root, `${name}.tar`);
  spawnSync('tar', ['-cf', file, '-C', path.join(root, 'src'), name]);
  return file;
}

beforeAll(async () => {
  let endpoint: string;
  ({ server, endpoint } = await startS3Server(root, BUCKET));
  env = {
    CLUSTER_TOOL_S3_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_DEFAULT_REGION: 'us-east-1',
  };
  bundle = await buildBundle(
    {
      blenderTarball: tarball('blender-4.2.3-linux-x64', ['blender']),
      ffmpegTarball: tarball('ffmpeg-7.0.2-amd64-static', ['ffmpeg', 'ffprobe']),
    },
    path.join(root, 'bundle.tar'),
  );
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: env.CLUSTER_TOOL_S3_ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  await stageFile(s3, BUCKET, { localPath: bundle.file, key: bootstrapKey('bundle.tar') });
  s3.destroy();
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Runs a script as ParallelCluster does (root, a plain PATH), without blocking this process. */
function runScript(script: string, nodeRoot: string, args: string[] = []) {
  return new Promise<{ status: number | null; out: string }>((resolve) => {
    const child = spawn('bash', ['-c', script, 'bootstrap.sh', ...args], {
      env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', CLUSTER_TOOL_ROOT: nodeRoot, ...env },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (status) => resolve({ status, out }));
  });
}

const computeScript = (b: BundleInfo) =>
  renderBootstrapScripts({ bucket: BUCKET, bundle: b })['compute-node.sh'] ?? '';
const runCompute = (nodeRoot: string) =>
  runScript(computeScript(bundle), nodeRoot, ['--node-runtime', 'glibc-228']);

describe('a node installing the bundle', () => {
  it('gets the tool, Node.js, Blender and ffmpeg from the bucket alone, checked by SHA-256', async () => {
    const node = path.join(root, 'node1');
    const r = await runCompute(node);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('fetch-bundle');
    // The bundle's Blender here is a stand-in that compiles nothing: the boot goes on.
    expect(r.out).toContain(
      "could not byte-compile Blender's scripts (each Blender start compiles them); going on. Blender said:\nblender from the bundle",
    );
    const bin = path.join(node, 'opt', 'cluster-tool', 'bin');
    const help = spawnSync(path.join(bin, 'cluster-tool'), ['--help'], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('cluster-tool <command>');
    expect(spawnSync(path.join(bin, 'blender'), { encoding: 'utf8' }).stdout).toBe(
      'blender from the bundle\n',
    );
    expect(spawnSync(path.join(bin, 'ffprobe'), { encoding: 'utf8' }).stdout).toBe(
      'ffprobe from the bundle\n',
    );
    const marks = path.join(node, 'opt', 'cluster-tool', '.installed');
    expect(readFileSync(path.join(marks, 'tool.sha256'), 'utf8').trim()).toBe(
      bundle.manifest.tool.sha256,
    );
    expect(readFileSync(path.join(node, 'etc', 'cluster-tool', 'env'), 'utf8')).toMatch(
      new RegExp(`^PATH=${bin}:`, 'm'),
    );
  });

  it('fetches nothing when every part is installed with the same SHA-256', async () => {
    const node = path.join(root, 'node1');
    const r = await runCompute(node);
    expect(r.status, r.out).toBe(0);
    expect(r.out).not.toContain('fetch-bundle');
    expect(r.out).toMatch(/tool present \(SHA-256 [0-9a-f]{12}\)/);
  });

  it('installs nothing at boot on an image baked by the image script (config image)', async () => {
    const node = path.join(root, 'baked');
    const image = renderBootstrapScripts({ bucket: BUCKET, bundle })['image.sh'] ?? '';
    const baked = await runScript(image, node);
    expect(baked.status, baked.out).toBe(0);
    expect(baked.out).toContain('install-blender');
    const boot = await runCompute(node);
    expect(boot.status, boot.out).toBe(0);
    expect(boot.out).not.toContain('fetch-bundle');
    for (const part of ['node', 'tool', 'blender', 'ffmpeg'])
      expect(boot.out).toContain(`${part} present`);
  });

  it('refuses a part whose SHA-256 is not the staged one, and names it', async () => {
    const node = path.join(root, 'node2');
    const other = {
      ...bundle,
      manifest: {
        ...bundle.manifest,
        blender: { ...(bundle.manifest.blender ?? bundle.manifest.tool), sha256: 'f'.repeat(64) },
      },
    };
    const r = await runScript(computeScript(other), node);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/blender: SHA-256 [0-9a-f]+ where f+ was staged/);
    expect(existsSync(path.join(node, 'opt', 'cluster-tool', 'blender'))).toBe(false);
  });
});
