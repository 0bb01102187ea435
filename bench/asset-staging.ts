import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { S3Client } from '@aws-sdk/client-s3';
import { runCommand } from '../src/process/run.js';
import { packagePath } from '../src/paths.js';
import type { SceneDependency } from '../src/renderers/blender/dependencies.js';
import { formatSize } from '../src/renderers/blender/dependencies.js';
import { HashCache } from '../src/staging/hash-cache.js';
import { stageShot, type StagedShot } from '../src/staging/stage-shot.js';

/**
 * The asset-staging leg: a shot's textures (by default 2 GB in 2,000 files) sent to an
 * S3-compatible server on loopback (s3rver, in its own process) by `submit --cluster`'s staging
 * (content-addressed, hashes cached by size and mtime) and by `aws s3 sync` of the same tree, in
 * the same run, case by case: the first upload, again after one file changed, and a second shot
 * in another folder using the same textures (sync sends them again under the new shot's prefix;
 * content addressing sends none). Blender's listing of the files (`deps`) is not timed: the
 * leg stages the tree as the dependencies of a small scene file.
 */

export const ASSET_TARGETS = { first: 1, changed: 1, secondShot: 20 } as const;

const BUCKET = 'ct-bench-assets';

export interface AssetCase {
  name: string;
  /** `aws s3 sync` seconds ÷ ours: above 1, ours is faster. */
  target: number;
  ours: { seconds: number; sentBytes: number; sentFiles: number; hashed: number };
  sync: { seconds: number };
}

export interface AssetStagingResult {
  files: number;
  bytes: number;
  cases: AssetCase[];
}

/** Writes `files` files of random bytes totalling about `bytes`, in folders of 100; their paths. */
export function makeTextureTree(dir: string, files: number, bytes: number): string[] {
  const each = Math.max(1, Math.floor(bytes / files));
  const out: string[] = [];
  for (let i = 0; i < files; i += 1) {
    const file = path.join(
      dir,
      `set${String(Math.floor(i / 100)).padStart(2, '0')}`,
      `tex_${i}.exr`,
    );
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(each));
    out.push(file);
  }
  return out;
}

/** The tree as a scene's dependencies (written relative to the scene, as a shot's are). */
function asDependencies(files: readonly string[], sceneDir: string): SceneDependency[] {
  return files.map((file) => ({
    type: 'image',
    name: path.basename(file),
    library: null,
    path: `//${path.relative(sceneDir, file)}`,
    file,
    exists: true,
    size: null,
  }));
}

/** s3rver on a free loopback port, in a child process so that it shares no event loop with ours. */
async function startServer(dir: string): Promise<{ endpoint: string; child: ChildProcess }> {
  const code = `
    import S3rver from 's3rver';
    const s = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(dir)},
      configureBuckets: [{ name: ${JSON.stringify(BUCKET)}, configs: [] }] });
    const { port } = await s.run();
    console.log('port ' + port);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: packagePath(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`s3rver exited ${c} before it listened`)));
  });
  return { endpoint: `http://127.0.0.1:${line.split(' ')[1]}`, child };
}

const ENV = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-east-1',
  AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
  AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
};

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await work();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, value };
}

/** Runs the three cases against a fresh server under `workDir`. */
export async function benchAssetStaging(opts: {
  workDir: string;
  files: number;
  bytes: number;
  log: (line: string) => void;
}): Promise<AssetStagingResult> {
  const root = path.join(opts.workDir, 'assets');
  const textures = path.join(root, 'library', 'textures');
  opts.log(`assets: writing ${opts.files} files, ${formatSize(opts.bytes)}, of random bytes`);
  const files = makeTextureTree(textures, opts.files, opts.bytes);
  const shotA = path.join(root, 'library', 'shot_a.blend');
  const shotB = path.join(root, 'library', 'shot_b.blend');
  writeFileSync(shotA, randomBytes(1 << 20));
  writeFileSync(shotB, randomBytes(1 << 20));
  const deps = asDependencies(files, path.dirname(shotA));
  const { endpoint, child } = await startServer(path.join(root, 's3'));
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const cache = HashCache.open(path.join(root, 'hash-cache.json'));
  const ours = (scene: string) =>
    timed(() => stageShot(s3, BUCKET, scene, deps, { cache, bars: false }));
  const sync = (prefix: string) =>
    timed(() =>
      runCommand(
        'aws',
        [
          '--endpoint-url',
          endpoint,
          's3',
          'sync',
          '--only-show-errors',
          path.dirname(shotA),
          `s3://${BUCKET}/${prefix}/`,
        ],
        { env: ENV, timeoutMs: 3_600_000 },
      ),
    );
  const row = (
    name: string,
    target: number,
    o: { seconds: number; value: StagedShot },
    s: { seconds: number },
  ): AssetCase => {
    opts.log(
      `assets: ${name}: ours ${o.seconds.toFixed(2)} s, aws s3 sync ${s.seconds.toFixed(2)} s`,
    );
    return {
      name,
      target,
      ours: {
        seconds: o.seconds,
        sentBytes: o.value.sent.bytes,
        sentFiles: o.value.sent.files,
        hashed: o.value.hashed,
      },
      sync: { seconds: s.seconds },
    };
  };
  try {
    const cases: AssetCase[] = [];
    cases.push(row('first upload', ASSET_TARGETS.first, await ours(shotA), await sync('sync-a')));
    writeFileSync(
      files[Math.floor(files.length / 2)] ?? '',
      randomBytes(Math.max(1, Math.floor(opts.bytes / opts.files))),
    );
    cases.push(
      row('one file changed', ASSET_TARGETS.changed, await ours(shotA), await sync('sync-a')),
    );
    cases.push(
      row(
        'second shot, same textures',
        ASSET_TARGETS.secondShot,
        await ours(shotB),
        await sync('sync-b'),
      ),
    );
    return { files: opts.files, bytes: opts.bytes, cases };
  } finally {
    s3.destroy();
    child.kill('SIGTERM');
  }
}

/** The leg's table: each case's seconds both ways, the speed-up against its goal, what we sent. */
export function formatAssetStaging(r: AssetStagingResult): string {
  const lines = [
    `${r.files} files, ${formatSize(r.bytes)}, to an S3-compatible server on loopback (s3rver)`,
    `${'case'.padEnd(28)} ${'ours'.padStart(9)} ${'aws s3 sync'.padStart(12)} ${'speed-up'.padStart(9)}  goal   sent by ours`,
  ];
  for (const c of r.cases) {
    const speedup = c.sync.seconds / Math.max(c.ours.seconds, 1e-6);
    lines.push(
      `${c.name.padEnd(28)} ${`${c.ours.seconds.toFixed(2)} s`.padStart(9)} ${`${c.sync.seconds.toFixed(2)} s`.padStart(12)} ` +
        `${`${speedup.toFixed(1)}×`.padStart(9)}  ≥${c.target}× ${speedup >= c.target ? 'PASS' : 'MISS'}  ` +
        `${c.ours.sentFiles} file(s), ${formatSize(c.ours.sentBytes)}; hashed ${c.ours.hashed}`,
    );
  }
  return lines.join('\n');
}
