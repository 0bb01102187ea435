import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HashCache } from '../../src/staging/hash-cache.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-hash-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the hash cache', () => {
  it('hashes a file once while its size and mtime stay, across processes (saved)', async () => {
    const file = path.join(dir, 'a.png');
    const store = path.join(dir, 'cache', 'sha256.json');
    writeFileSync(file, 'aaaa');
    const first = HashCache.open(store);
    expect(await first.sha256(file)).toEqual({ sha256: sha('aaaa'), size: 4, cached: false });
    first.save();
    expect(statSync(store).mode & 0o777).toBe(0o600);
    const second = HashCache.open(store);
    let read = 0;
    const again = await second.sha256(file, (n) => (read += n));
    expect(again).toEqual({ sha256: sha('aaaa'), size: 4, cached: true });
    expect(read).toBe(0);
    expect(second.hashed).toBe(0);
  });

  it('hashes again when the modification time or the size changed', async () => {
    const file = path.join(dir, 'b.png');
    writeFileSync(file, 'bbbb');
    const cache = HashCache.open(undefined);
    await cache.sha256(file);
    // Same size, new content, a new mtime: as an editor saving the file does.
    writeFileSync(file, 'cccc');
    const later = new Date(statSync(file).mtimeMs + 5000);
    utimesSync(file, later, later);
    expect(await cache.sha256(file)).toMatchObject({ sha256: sha('cccc'), cached: false });
    writeFileSync(file, 'ccccc');
    utimesSync(file, later, later);
    expect(await cache.sha256(file)).toMatchObject({
      sha256: sha('ccccc'),
      size: 5,
      cached: false,
    });
    expect(cache.hashed).toBe(3);
  });

  it('starts empty from a cache file it cannot read', async () => {
    const store = path.join(dir, 'broken.json');
    writeFileSync(store, '{not json');
    const file = path.join(dir, 'c.png');
    writeFileSync(file, 'c');
    const cache = HashCache.open(store);
    expect((await cache.sha256(file)).cached).toBe(false);
    cache.save();
    expect((await HashCache.open(store).sha256(file)).cached).toBe(true);
  });
});
