import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { callAws, isNotFound } from './errors.js';

/** One file to put in the bucket. */
export interface StageItem {
  localPath: string;
  key: string;
}

/** What happened to one file. */
export interface StageOutcome extends StageItem {
  size: number;
  action: 'uploaded' | 'skipped';
}

export interface StageOptions {
  /** Multipart part size in bytes (S3's minimum, 5 MiB, by default); files larger go multipart. */
  partSize?: number;
  /** Called with bytes sent so far for the current file and its size. */
  onProgress?: (item: StageItem, sent: number, total: number) => void;
}

/** Metadata key holding the file's SHA-256: a multipart ETag is not a content hash. */
export const SHA256_METADATA = 'sha256';

/** SHA-256 of a file, hex. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** An object's size and metadata, or undefined when there is none under `key`. */
export async function headObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<HeadObjectCommandOutput | undefined> {
  // HeadObject is allowed by s3:GetObject: that is the action to name when it is denied.
  return callAws({ service: 's3', action: 'GetObject' }, async () => {
    try {
      return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
      // A HEAD answer has no body, so a missing key may come back as a bare 404.
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (isNotFound(err) || status === 404) return undefined;
      throw err;
    }
  });
}

/**
 * Uploads a file unless the bucket already has it with the same size and SHA-256 (recorded in
 * its metadata by an earlier upload). Large files go up in parts through lib-storage.
 */
export async function stageFile(
  s3: S3Client,
  bucket: string,
  item: StageItem,
  opts: StageOptions = {},
): Promise<StageOutcome> {
  const size = statSync(item.localPath).size;
  const sha256 = await sha256File(item.localPath);
  const head = await headObject(s3, bucket, item.key);
  if (head && head.ContentLength === size && head.Metadata?.[SHA256_METADATA] === sha256) {
    opts.onProgress?.(item, size, size);
    return { ...item, size, action: 'skipped' };
  }
  await callAws({ service: 's3', action: 'PutObject' }, async () => {
    const upload = new Upload({
      client: s3,
      params: {
        Bucket: bucket,
        Key: item.key,
        Body: createReadStream(item.localPath),
        Metadata: { [SHA256_METADATA]: sha256 },
      },
      partSize: opts.partSize ?? 5 * 1024 * 1024,
      queueSize: 4,
      leavePartsOnError: false,
    });
    upload.on('httpUploadProgress', (p) => opts.onProgress?.(item, p.loaded ?? 0, size));
    await upload.done();
  });
  return { ...item, size, action: 'uploaded' };
}

/** Stages files one after another (parts of one file go in parallel). */
export async function stageFiles(
  s3: S3Client,
  bucket: string,
  items: readonly StageItem[],
  opts: StageOptions = {},
): Promise<StageOutcome[]> {
  const out: StageOutcome[] = [];
  for (const item of items) out.push(await stageFile(s3, bucket, item, opts));
  return out;
}
