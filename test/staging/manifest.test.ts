import { describe, expect, it } from 'vitest';
import { casKey, manifestKey, shaOfCasKey, shaOfManifestKey } from '../../src/aws/layout.js';
import {
  commonFolder,
  isLayoutPath,
  manifestOf,
  parseManifest,
  planLayout,
} from '../../src/staging/manifest.js';
import { shotInputs } from '../../src/staging/stage-shot.js';
import type { SceneDependency } from '../../src/renderers/blender/dependencies.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('keys', () => {
  it('names a content by its SHA-256 under cluster-tool/cas/sha256/, a manifest under manifests/', () => {
    expect(casKey(A)).toBe(`cluster-tool/cas/sha256/${A}`);
    expect(shaOfCasKey(casKey(A))).toBe(A);
    expect(shaOfCasKey(`cluster-tool/scenes/${A}`)).toBeUndefined();
    expect(manifestKey(B)).toBe(`cluster-tool/manifests/${B}.json`);
    expect(shaOfManifestKey(manifestKey(B))).toBe(B);
    expect(shaOfManifestKey(`x/cluster-tool/manifests/${B}.json`)).toBeUndefined();
    expect(() => casKey('../etc')).toThrow(/not a SHA-256/);
  });
});

describe('a shot laid out', () => {
  it('keeps the relative paths under the common folder and remaps absolute folders', () => {
    const layout = planLayout('/home/u/proj/shot.blend', [
      { file: '/home/u/proj/tex/a.png' },
      { file: '/home/u/proj/libs/lib.blend' },
      { file: '/home/u/assets/udim/w.1001.png', absolute: '/home/u/assets/udim/w.1001.png' },
      { file: '/home/u/assets/udim/w.1002.png', absolute: '/home/u/assets/udim/w.1002.png' },
      { file: '/home/u/proj/tex/a.png' },
    ]);
    expect(layout.root).toBe('/home/u');
    expect(layout.scene).toBe('proj/shot.blend');
    expect(layout.files.map((f) => f.path)).toEqual([
      'proj/shot.blend',
      'proj/tex/a.png',
      'proj/libs/lib.blend',
      'assets/udim/w.1001.png',
      'assets/udim/w.1002.png',
    ]);
    expect(layout.remap).toEqual({ '/home/u/assets/udim': 'assets/udim' });
  });

  it('a scene alone is its own folder; / is the top when nothing is shared', () => {
    expect(planLayout('/p/s.blend', []).scene).toBe('s.blend');
    expect(commonFolder(['/a/b', '/c/d'])).toBe('/');
    expect(planLayout('/a/s.blend', [{ file: '/c/t.png', absolute: '/c/t.png' }]).remap).toEqual({
      '/c': 'c',
    });
  });

  it('names each file of a cache folder, and a tile by the folder the scene wrote', () => {
    const dep = (path: string, file: string): SceneDependency => ({
      type: 'image',
      name: 'n',
      library: null,
      path,
      file,
      exists: true,
      size: 1,
    });
    expect(
      shotInputs([
        dep('/x/tex/w.<UDIM>.png', '/x/tex/w.1002.png'),
        dep('//tex/a.png', '/p/tex/a.png'),
        { ...dep('//gone.png', '/p/gone.png'), exists: false },
      ]),
    ).toEqual([
      { file: '/x/tex/w.1002.png', absolute: '/x/tex/w.1002.png' },
      { file: '/p/tex/a.png' },
    ]);
  });
});

describe('the manifest', () => {
  const layout = planLayout('/p/shot.blend', [
    { file: '/p/tex/a.png' },
    { file: '/q/b.png', absolute: '/q/b.png' },
  ]);
  const hashes = new Map([
    ['/p/shot.blend', { sha256: A, size: 10 }],
    ['/p/tex/a.png', { sha256: B, size: 3 }],
    ['/q/b.png', { sha256: B, size: 3 }],
  ]);

  it('gives each path its hash and size, and reads back what it wrote', () => {
    const m = manifestOf(layout, hashes);
    expect(m).toEqual({
      version: 1,
      scene: 'p/shot.blend',
      files: [
        { path: 'p/shot.blend', sha256: A, size: 10 },
        { path: 'p/tex/a.png', sha256: B, size: 3 },
        { path: 'q/b.png', sha256: B, size: 3, absolute: '/q/b.png' },
      ],
      remap: { '/q': 'q' },
    });
    expect(parseManifest(JSON.stringify(m), 'm')).toEqual(m);
  });

  it('refuses paths that would leave the shot', () => {
    const m = manifestOf(layout, hashes);
    for (const bad of ['../etc/passwd', '/etc/passwd', 'a/../../b', 'a//b', 'a\\b'])
      expect(() =>
        parseManifest(
          JSON.stringify({ ...m, files: [...m.files, { path: bad, sha256: A, size: 1 }] }),
          'm',
        ),
      ).toThrow(/m is not a valid cluster-tool manifest/);
    expect(() => parseManifest(JSON.stringify({ ...m, remap: { '/q': '../..' } }), 'm')).toThrow(
      /leaves the shot/,
    );
    expect(() => parseManifest(JSON.stringify({ ...m, scene: 'other.blend' }), 'm')).toThrow(
      /scene/,
    );
    expect(isLayoutPath('p/tex/a.png')).toBe(true);
  });
});
