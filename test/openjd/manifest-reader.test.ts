import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifestFromJobDir } from '../../src/openjd/index.js';

function jobDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ct-ojd-job-'));
  mkdirSync(path.join(dir, 'parts/b'), { recursive: true });
  writeFileSync(path.join(dir, 'list.txt'), 'one\r\n\n  \ntwo words\n');
  for (const f of [
    'parts/2.npy',
    'parts/10.npy',
    'parts/b/3.npy',
    'parts/.partial-1.npy',
    'parts/x.txt',
  ])
    writeFileSync(path.join(dir, f), '');
  return dir;
}

const req = (kind: 'lines' | 'glob', p: string) => ({ step: 'S', parameter: 'P', kind, path: p });

describe('readManifestFromJobDir', () => {
  it('gives the non-blank lines of a file relative to the job directory', () => {
    const dir = jobDir();
    expect(readManifestFromJobDir(dir)(req('lines', 'list.txt'))).toEqual(['one', 'two words']);
    expect(readManifestFromJobDir(dir)(req('lines', path.join(dir, 'list.txt')))).toEqual([
      'one',
      'two words',
    ]);
  });

  it('gives the matching files of a pattern as sorted absolute paths, skipping hidden partial files', () => {
    const dir = jobDir();
    const read = readManifestFromJobDir(dir);
    expect(read(req('glob', 'parts/*.npy'))).toEqual([
      path.join(dir, 'parts/10.npy'),
      path.join(dir, 'parts/2.npy'),
    ]);
    expect(read(req('glob', 'parts/**/*.npy'))).toHaveLength(3);
    expect(read(req('glob', 'nothing/*.npy'))).toEqual([]);
  });

  it("refuses manifests outside the job's directories, symlinks included, and a missing manifest", () => {
    const dir = jobDir();
    const outside = mkdtempSync(path.join(tmpdir(), 'ct-ojd-out-'));
    writeFileSync(path.join(outside, 'secret.txt'), 'x\n');
    symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'link.txt'));
    const read = readManifestFromJobDir(dir);
    expect(() => read(req('lines', path.join(outside, 'secret.txt')))).toThrow(
      /outside the job's directories/,
    );
    expect(() => read(req('lines', 'link.txt'))).toThrow(/outside the job's directories/);
    expect(() => read(req('lines', 'missing.txt'))).toThrow(/has not written it/);
    expect(
      readManifestFromJobDir(dir, [outside])(req('lines', path.join(outside, 'secret.txt'))),
    ).toEqual(['x']);
  });
});
