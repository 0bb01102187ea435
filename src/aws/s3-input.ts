import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CliError, UsageError } from '../errors.js';
import { checkBucketName } from '../config/ids.js';
import { callAws } from './errors.js';
import { headObject, SHA256_METADATA, sha256File } from './s3-stage.js';

/** `s3://bucket/key` split; throws UsageError naming what is wrong. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new UsageError(`${uri}: expected s3://BUCKET/KEY`);
  const bucket = m[1] as string;
  const key = m[2] as string;
  const bad = checkBucketName(bucket);
  if (bad) throw new UsageError(`${uri}: ${bad}`);
  if (key.endsWith('/')) throw new UsageError(`${uri} names a folder, not a file`);
  return { bucket, key };
}

/** Where an input fetched from S3 is kept: `<dir>/<bucket>/<key>`, never outside `dir`. */
export function inputPath(dir: string, uri: string): string {
  const { bucket, key } = parseS3Uri(uri);
  const root = path.resolve(dir);
  const file = path.resolve(root, bucket, ...key.split('/'));
  if (!file.startsWith(path.join(root, bucket) + path.sep))
    throw new UsageError(`${uri}: the key would land outside ${root}`);
  return file;
}

/** What `fetchInput` did. */
export interface InputOutcome {
  file: string;
  size: number;
  action: 'downloaded' | 'kept';
}

/**
 * Brings a file staged in S3 (a scene, a task file) onto this machine's shared file system, so
 * that the coordinator and the compute nodes can read it. A copy already there with the object's
 * size and SHA-256 (the metadata `cluster-tool stage` records) is kept; a new one is written under
 * a temporary name and renamed, so a reader never sees half a file.
 */
export async function fetchInput(s3: S3Client, uri: string, dir: string): Promise<InputOutcome> {
  const { bucket, key } = parseS3Uri(uri);
  const file = inputPath(dir, uri);
  const head = await headObject(s3, bucket, key);
  if (!head) throw new CliError(`${uri} does not exist: stage it first (cluster-tool stage)`);
  const size = head.ContentLength ?? -1;
  const sha256 = head.Metadata?.[SHA256_METADATA];
  if (existsSync(file) && statSync(file).size === size && sha256 !== undefined) {
    if ((await sha256File(file)) === sha256) return { file, size, action: 'kept' };
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  try {
    const got = await callAws({ service: 's3', action: 'GetObject' }, () =>
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
    );
    await pipeline(got.Body as Readable, createWriteStream(partial, { mode: 0o644 }));
    if (sha256 !== undefined && (await sha256File(partial)) !== sha256)
      throw new CliError(`${uri} arrived damaged (its SHA-256 does not match); try again`);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  return { file, size: statSync(file).size, action: 'downloaded' };
}
