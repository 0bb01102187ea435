import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { CliError } from '../errors.js';
import { callAws } from './errors.js';

/** One object under a prefix and where it lands locally. */
export interface FetchOutcome {
  key: string;
  file: string;
  size: number;
  action: 'downloaded' | 'skipped';
}

/**
 * Downloads every object under `prefix` into `outDir`, keeping the relative paths. A key that
 * would land outside `outDir` (`..`) is refused; a local file of the same size is kept.
 */
export async function fetchPrefix(
  s3: S3Client,
  bucket: string,
  prefix: string,
  outDir: string,
): Promise<FetchOutcome[]> {
  const root = path.resolve(outDir);
  const out: FetchOutcome[] = [];
  let token: string | undefined;
  do {
    const page = await callAws({ service: 's3', action: 'ListBucket' }, () =>
      s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      ),
    );
    for (const obj of page.Contents ?? []) {
      if (!obj.Key || obj.Key.endsWith('/')) continue;
      const file = path.resolve(root, obj.Key.slice(prefix.length));
      if (!file.startsWith(root + path.sep))
        throw new CliError(`refusing to write ${obj.Key}: it would land outside ${root}`);
      const size = obj.Size ?? 0;
      if (existsSync(file) && statSync(file).size === size) {
        out.push({ key: obj.Key, file, size, action: 'skipped' });
        continue;
      }
      mkdirSync(path.dirname(file), { recursive: true });
      const got = await callAws({ service: 's3', action: 'GetObject' }, () =>
        s3.send(new GetObjectCommand({ Bucket: bucket, Key: obj.Key })),
      );
      await pipeline(got.Body as Readable, createWriteStream(file, { mode: 0o600 }));
      out.push({ key: obj.Key, file, size, action: 'downloaded' });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}
