import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { callAws } from '../aws/errors.js';
import { CAS_PREFIX, MANIFESTS_PREFIX, shaOfCasKey, shaOfManifestKey } from '../aws/layout.js';
import { CliError } from '../errors.js';
import { parseManifest } from './manifest.js';
import { eachLimited } from './progress.js';

/**
 * `cluster-tool stage --prune`: the shots' contents (`cas/sha256/…`) that no manifest of the
 * last N days names are deleted. A content younger than `GRACE_MS` is kept whatever the
 * manifests say: a submit writes its manifest after its contents, so one uploading now has none
 * yet. Manifests themselves are kept (small; an older one names what it named).
 */

export const GRACE_MS = 60 * 60 * 1000;

export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

/** The contents to delete: neither named by a recent manifest nor younger than the grace. */
export function pruneSelection(
  contents: readonly ListedObject[],
  named: ReadonlySet<string>,
  now: Date,
): ListedObject[] {
  return contents.filter((o) => {
    const sha = shaOfCasKey(o.key);
    if (sha === undefined || named.has(sha)) return false;
    return now.getTime() - o.lastModified.getTime() > GRACE_MS;
  });
}

/** Which manifests count: those written within the last `days` days. */
export function recentManifests(
  manifests: readonly ListedObject[],
  days: number,
  now: Date,
): ListedObject[] {
  const since = now.getTime() - days * 24 * 60 * 60 * 1000;
  return manifests.filter(
    (m) => shaOfManifestKey(m.key) !== undefined && m.lastModified.getTime() >= since,
  );
}

async function list(s3: S3Client, bucket: string, prefix: string): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await callAws({ service: 's3', action: 'ListBucket' }, () =>
      s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      ),
    );
    for (const o of page.Contents ?? [])
      if (o.Key)
        out.push({ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

export interface PruneResult {
  manifests: number;
  kept: number;
  deleted: ListedObject[];
}

/** Deletes (or, with `dryRun`, lists) what `pruneSelection` picks. */
export async function pruneContents(
  s3: S3Client,
  bucket: string,
  opts: { days: number; now?: Date; dryRun?: boolean },
): Promise<PruneResult> {
  const now = opts.now ?? new Date();
  const manifests = recentManifests(await list(s3, bucket, MANIFESTS_PREFIX), opts.days, now);
  const named = new Set<string>();
  for (const m of manifests) {
    const got = await callAws({ service: 's3', action: 'GetObject' }, () =>
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: m.key })),
    );
    const where = `s3://${bucket}/${m.key}`;
    try {
      const manifest = parseManifest((await got.Body?.transformToString('utf8')) ?? '', where);
      for (const f of manifest.files) named.add(f.sha256);
    } catch (err) {
      // Not knowing what it names, nothing can be said unused.
      throw new CliError(`${(err as Error).message}: nothing was pruned; remove it or fix it`);
    }
  }
  const contents = await list(s3, bucket, CAS_PREFIX);
  const deleted = pruneSelection(contents, named, now);
  if (!opts.dryRun)
    await eachLimited(deleted, 16, async (o) => {
      await callAws({ service: 's3', action: 'DeleteObject' }, () =>
        s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.key })),
      );
    });
  return { manifests: manifests.length, kept: contents.length - deleted.length, deleted };
}
