import { createHash } from 'node:crypto';
import {
  copyFileSync,
  createWriteStream,
  existsSync,
  linkSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { callAws, isNotFound } from '../aws/errors.js';
import { casKey, shaOfManifestKey } from '../aws/layout.js';
import { CliError } from '../errors.js';
import { makeDirs } from '../util/fs.js';
import { hashFile } from './hash-cache.js';
import { parseManifest, type ShotManifest } from './manifest.js';
import { eachLimited } from './progress.js';
import { REMAP_SUFFIX, type PathRemap } from './remap.js';

/**
 * The head node's side of a `--cluster` submit: the shot a manifest names, laid out under
 * `<inputs>/<bucket>/shots/<manifest hex>/` with the scene's relative paths intact. Each content
 * is fetched once into `<inputs>/<bucket>/cas/` (checked against its SHA-256, written under a
 * temporary name and renamed) and hard-linked into every shot that uses it. The folders of
 * files the scene names by absolute paths are written beside the scene (`REMAP_SUFFIX`) for
 * Blender to remap when it opens it.
 */

export interface UnpackedShot {
  scene: string;
  /** Contents fetched now (the rest were here from an earlier shot). */
  fetched: number;
  files: number;
}

export async function unpackShot(
  s3: S3Client,
  bucket: string,
  key: string,
  inputsDir: string,
): Promise<UnpackedShot> {
  const id = shaOfManifestKey(key);
  if (!id) throw new CliError(`${key} is not a manifest key`);
  const manifest = await readManifest(s3, bucket, key, id);
  const base = path.resolve(inputsDir, bucket);
  const store = path.join(base, 'cas');
  const shot = path.join(base, 'shots', id);
  makeDirs(store);
  const contents = new Map(manifest.files.map((f) => [f.sha256, f.size]));
  let fetched = 0;
  await eachLimited([...contents], 8, async ([sha, size]) => {
    const file = path.join(store, sha);
    if (existsSync(file) && statSync(file).size === size) return;
    await fetchContent(s3, bucket, sha, file);
    fetched += 1;
  });
  for (const f of manifest.files) {
    const to = path.join(shot, ...f.path.split('/'));
    const from = path.join(store, f.sha256);
    if (existsSync(to) && statSync(to).ino === statSync(from).ino) continue;
    makeDirs(path.dirname(to));
    rmSync(to, { force: true });
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to); // another file system, or links refused
    }
  }
  const scene = path.join(shot, ...manifest.scene.split('/'));
  writeRemap(scene, shot, manifest);
  return { scene, fetched, files: manifest.files.length };
}

async function readManifest(
  s3: S3Client,
  bucket: string,
  key: string,
  id: string,
): Promise<ShotManifest> {
  const where = `s3://${bucket}/${key}`;
  const got = await callAws({ service: 's3', action: 'GetObject' }, async () => {
    try {
      return await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
      if (isNotFound(err)) throw new CliError(`${where} does not exist: submit the shot again`);
      throw err;
    }
  });
  const text = (await got.Body?.transformToString('utf8')) ?? '';
  if (createHash('sha256').update(text).digest('hex') !== id)
    throw new CliError(`${where} arrived damaged (its SHA-256 is not its name); submit again`);
  try {
    return parseManifest(text, where);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

async function fetchContent(s3: S3Client, bucket: string, sha: string, file: string) {
  const partial = `${file}.${process.pid}.partial`;
  try {
    const got = await callAws({ service: 's3', action: 'GetObject' }, async () => {
      try {
        return await s3.send(new GetObjectCommand({ Bucket: bucket, Key: casKey(sha) }));
      } catch (err) {
        if (isNotFound(err))
          throw new CliError(
            `s3://${bucket}/${casKey(sha)} is gone (pruned?): submit the shot again to send it`,
          );
        throw err;
      }
    });
    await pipeline(got.Body as Readable, createWriteStream(partial, { mode: 0o644 }));
    if ((await hashFile(partial)) !== sha)
      throw new CliError(`s3://${bucket}/${casKey(sha)} arrived damaged; submit again`);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** The absolute folders the scene names → their folders here, beside the scene for Blender. */
function writeRemap(scene: string, shot: string, manifest: ShotManifest): void {
  const file = scene + REMAP_SUFFIX;
  const dirs = Object.fromEntries(
    Object.entries(manifest.remap).map(([from, to]) => [
      from,
      path.join(shot, ...to.split('/').filter(Boolean)),
    ]),
  );
  if (!Object.keys(dirs).length) {
    rmSync(file, { force: true });
    return;
  }
  const remap: PathRemap = { version: 1, dirs };
  writeFileSync(file, `${JSON.stringify(remap, null, 1)}\n`, { mode: 0o644 });
}
