import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { callAws } from '../aws/errors.js';
import { CAS_PREFIX, casKey, manifestKey, s3Uri, shaOfCasKey } from '../aws/layout.js';
import { headObject, SHA256_METADATA } from '../aws/s3-stage.js';
import type { SceneDependency } from '../renderers/blender/dependencies.js';
import type { HashCache } from './hash-cache.js';
import { manifestOf, planLayout, type ShotInput, type ShotManifest } from './manifest.js';
import { byteBar, eachLimited } from './progress.js';

/**
 * Sends a scene and every file it reads to the bucket by content (`cas/sha256/<hex>`), then its
 * manifest. A file whose content the bucket holds is not sent again, so a second submit of a
 * shot sends only what changed, and another shot using the same textures sends none of them.
 * Hashes come from the cache while a file's size and mtime are unchanged.
 */

export interface StageShotOptions {
  cache: HashCache;
  /** Files sent at once (each in parts of `partSize`, four parts at once). */
  concurrency?: number;
  partSize?: number;
  /** Progress bars on stderr (default: when it is a terminal). */
  bars?: boolean;
}

export interface StagedShot {
  manifest: ShotManifest;
  /** `s3://bucket/cluster-tool/manifests/<hex>.json`: what the head node is given. */
  uri: string;
  files: number;
  bytes: number;
  /** Contents sent now (the rest the bucket held). */
  sent: { files: number; bytes: number };
  /** Files read to hash (the rest were answered by the cache). */
  hashed: number;
}

/** The files of the scene's dependencies (a cache folder: each file in it), deduplicated. */
export function shotInputs(deps: readonly SceneDependency[]): ShotInput[] {
  const out: ShotInput[] = [];
  for (const d of deps) {
    if (!d.exists && !isDir(d.file)) continue; // refused or allowed before this
    const absolute = d.path.startsWith('//') ? undefined : d.path;
    if (isDir(d.file)) {
      for (const rel of filesUnder(d.file))
        out.push({
          file: path.join(d.file, rel),
          ...(absolute ? { absolute: path.join(absolute, rel) } : {}),
        });
    } else
      out.push({
        file: d.file,
        // A UDIM tile or a sequence frame: its own name in the folder the scene wrote.
        ...(absolute ? { absolute: path.join(path.dirname(absolute), path.basename(d.file)) } : {}),
      });
  }
  return out;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function filesUnder(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, e.name);
    if (e.isDirectory()) out.push(...filesUnder(dir, rel));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/** Which of `shas` the bucket holds (with `size` bytes): one HEAD each, or one listing when many. */
export async function heldContents(
  s3: S3Client,
  bucket: string,
  sizes: ReadonlyMap<string, number>,
): Promise<Set<string>> {
  const held = new Set<string>();
  if (sizes.size > 200) {
    let token: string | undefined;
    do {
      const page = await callAws({ service: 's3', action: 'ListBucket' }, () =>
        s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: CAS_PREFIX,
            ContinuationToken: token,
          }),
        ),
      );
      for (const o of page.Contents ?? []) {
        const sha = shaOfCasKey(o.Key ?? '');
        if (sha && sizes.get(sha) === o.Size) held.add(sha);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return held;
  }
  await eachLimited([...sizes], 16, async ([sha, size]) => {
    const head = await headObject(s3, bucket, casKey(sha));
    if (head && head.ContentLength === size) held.add(sha);
  });
  return held;
}

/** Hashes, uploads what the bucket lacks, then the manifest. */
export async function stageShot(
  s3: S3Client,
  bucket: string,
  scene: string,
  deps: readonly SceneDependency[],
  opts: StageShotOptions,
): Promise<StagedShot> {
  const layout = planLayout(scene, shotInputs(deps));
  const total = layout.files.reduce((n, f) => n + statSync(f.file).size, 0);
  const hashes = new Map<string, { sha256: string; size: number }>();
  const hashedBefore = opts.cache.hashed;
  const hashing = byteBar('hashing', total, opts.bars);
  try {
    await eachLimited(layout.files, 4, async (f) => {
      const h = await opts.cache.sha256(f.file, (n) => hashing.add(n));
      if (h.cached) hashing.add(h.size);
      hashes.set(f.file, h);
    });
  } finally {
    hashing.stop();
    opts.cache.save();
  }
  const manifest = manifestOf(layout, hashes);
  const sizes = new Map(manifest.files.map((f) => [f.sha256, f.size]));
  const held = await heldContents(s3, bucket, sizes);
  const fileOf = new Map([...hashes].map(([file, h]) => [h.sha256, file]));
  const toSend = [...sizes].filter(([sha]) => !held.has(sha));
  const sendBytes = toSend.reduce((n, [, size]) => n + size, 0);
  const sending = byteBar('uploading', sendBytes, opts.bars);
  try {
    await eachLimited(toSend, opts.concurrency ?? 8, async ([sha]) => {
      await putContent(s3, bucket, fileOf.get(sha) as string, sha, opts.partSize, (n) =>
        sending.add(n),
      );
    });
  } finally {
    sending.stop();
  }
  const text = `${JSON.stringify(manifest, null, 1)}\n`;
  const key = manifestKey(createHash('sha256').update(text).digest('hex'));
  // Written after the contents it names, and every submit: its date keeps them from pruning.
  await callAws({ service: 's3', action: 'PutObject' }, () =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: text,
        ContentType: 'application/json',
      }),
    ),
  );
  return {
    manifest,
    uri: s3Uri(bucket, key),
    files: manifest.files.length,
    bytes: total,
    sent: { files: toSend.length, bytes: sendBytes },
    hashed: opts.cache.hashed - hashedBefore,
  };
}

/** One content up, in parts (parallel) when large; `onBytes` is told of the bytes sent. */
async function putContent(
  s3: S3Client,
  bucket: string,
  file: string,
  sha256: string,
  partSize = 8 * 1024 * 1024,
  onBytes: (n: number) => void,
): Promise<void> {
  let reported = 0;
  await callAws({ service: 's3', action: 'PutObject' }, async () => {
    const upload = new Upload({
      client: s3,
      params: {
        Bucket: bucket,
        Key: casKey(sha256),
        Body: createReadStream(file, { highWaterMark: 1 << 20 }),
        Metadata: { [SHA256_METADATA]: sha256 },
      },
      partSize,
      queueSize: 4,
      leavePartsOnError: false,
    });
    upload.on('httpUploadProgress', (p) => {
      const loaded = p.loaded ?? 0;
      if (loaded > reported) onBytes(loaded - reported);
      reported = Math.max(reported, loaded);
    });
    await upload.done();
  });
  const size = statSync(file).size;
  if (size > reported) onBytes(size - reported);
}
