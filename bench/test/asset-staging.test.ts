import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ASSET_TARGETS,
  formatAssetStaging,
  makeTextureTree,
  type AssetStagingResult,
} from '../asset-staging.js';
import { parseBenchArgs } from '../main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-bench-assets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the asset-staging leg', () => {
  it('is 2 GB in 2,000 files by default, smaller with flags', () => {
    const d = parseBenchArgs(['--only', 'assets']);
    expect([d.only, d.assetsMb, d.assetsFiles]).toEqual([['assets'], 2000, 2000]);
    const small = parseBenchArgs([
      '--only',
      'assets',
      '--assets-mb',
      '50',
      '--assets-files',
      '200',
    ]);
    expect([small.assetsMb, small.assetsFiles]).toEqual([50, 200]);
    expect(() => parseBenchArgs(['--assets-mb', '0'])).toThrow(/--assets-mb/);
  });

  it('writes the tree it is asked for: that many files, that many bytes, in folders of 100', () => {
    const files = makeTextureTree(dir, 250, 250_000);
    expect(files).toHaveLength(250);
    expect(files.reduce((n, f) => n + statSync(f).size, 0)).toBe(250_000);
    expect(new Set(files.map((f) => path.dirname(f))).size).toBe(3);
  });

  it('shows each case against aws s3 sync with its goal, and what ours sent', () => {
    const r: AssetStagingResult = {
      files: 200,
      bytes: 50_000_000,
      cases: [
        {
          name: 'first upload',
          target: ASSET_TARGETS.first,
          ours: { seconds: 2, sentBytes: 50_000_000, sentFiles: 201, hashed: 201 },
          sync: { seconds: 3 },
        },
        {
          name: 'second shot, same textures',
          target: ASSET_TARGETS.secondShot,
          ours: { seconds: 0.2, sentBytes: 1_048_576, sentFiles: 1, hashed: 1 },
          sync: { seconds: 3 },
        },
      ],
    };
    const text = formatAssetStaging(r);
    expect(text).toMatch(
      /first upload\s+2\.00 s\s+3\.00 s\s+1\.5×\s+≥1× PASS\s+201 file\(s\), 50 MB; hashed 201/,
    );
    expect(text).toMatch(
      /second shot, same textures\s+0\.20 s\s+3\.00 s\s+15\.0×\s+≥20× MISS\s+1 file\(s\), 1\.0 MB/,
    );
  });
});
