import { describe, expect, it } from 'vitest';
import { casKey, manifestKey } from '../../src/aws/layout.js';
import { GRACE_MS, pruneSelection, recentManifests } from '../../src/staging/prune.js';

const sha = (c: string) => c.repeat(64);
const now = new Date('2026-06-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const DAY = 24 * 60 * 60 * 1000;

describe('what --prune deletes', () => {
  it('contents no recent manifest names, older than the grace; nothing else under the bucket', () => {
    const contents = [
      { key: casKey(sha('a')), size: 1, lastModified: ago(40 * DAY) }, // named: kept
      { key: casKey(sha('b')), size: 2, lastModified: ago(40 * DAY) }, // unnamed: deleted
      { key: casKey(sha('c')), size: 3, lastModified: ago(GRACE_MS / 2) }, // uploading now: kept
      { key: 'cluster-tool/cas/sha256/not-a-hash', size: 4, lastModified: ago(40 * DAY) },
    ];
    expect(pruneSelection(contents, new Set([sha('a')]), now).map((o) => o.key)).toEqual([
      casKey(sha('b')),
    ]);
  });

  it('counts the manifests of the last N days only', () => {
    const manifests = [
      { key: manifestKey(sha('1')), size: 1, lastModified: ago(2 * DAY) },
      { key: manifestKey(sha('2')), size: 1, lastModified: ago(10 * DAY) },
      { key: 'cluster-tool/manifests/notes.txt', size: 1, lastModified: ago(0) },
    ];
    expect(recentManifests(manifests, 7, now).map((m) => m.key)).toEqual([manifestKey(sha('1'))]);
    expect(recentManifests(manifests, 30, now)).toHaveLength(2);
    expect(recentManifests(manifests, 0, now)).toHaveLength(0);
  });
});
