import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import {
  outputFileName,
  parseOutputPattern,
  planOutputFiles,
  resolveOutputPattern,
} from '../../../src/renderers/blender/output-pattern.js';

const ROOT = '/shared/out';

function name(pattern: string, frame = 12, format: Parameters<typeof outputFileName>[2] = 'PNG') {
  return outputFileName(parseOutputPattern(pattern, ROOT), frame, format);
}

describe('outputFileName', () => {
  it('puts the frame in the # run, padded to its length', () => {
    expect(name('//render/shot010_####')).toBe('render/shot010_0012.png');
    expect(name('shot_##')).toBe('shot_12.png');
    expect(name('shot_#', 12)).toBe('shot_12.png');
    expect(name('shot_##', 1234)).toBe('shot_1234.png');
  });

  it('appends four digits when the name has no #', () => {
    expect(name('//render/shot')).toBe('render/shot0012.png');
    expect(name('//render/')).toBe('render/0012.png');
    expect(name('//shot.png')).toBe('shot.png0012.png');
  });

  it('uses only the last # run of the file name, not those of folders', () => {
    expect(name('/shared/out/x_##_y_###.png')).toBe('x_##_y_012.png');
    expect(name('//a#b/c')).toBe('a#b/c0012.png');
  });

  it('keeps, replaces or appends the extension as Blender does', () => {
    expect(name('//x_####.PNG')).toBe('x_0012.PNG');
    expect(name('//x_####.jpg')).toBe('x_0012.png');
    expect(name('//x_####.txt')).toBe('x_0012.txt.png');
    expect(name('//x_####.', 12)).toBe('x_0012.png');
    expect(name('//x_####.jpeg', 12, 'JPEG')).toBe('x_0012.jpeg');
    expect(name('//x_####.png', 12, 'JPEG')).toBe('x_0012.jpg');
    expect(name('//x_####', 12, 'OPEN_EXR')).toBe('x_0012.exr');
    expect(name('//x_####', 12, 'OPEN_EXR_MULTILAYER')).toBe('x_0012.exr');
  });
});

describe('parseOutputPattern', () => {
  it('reads // and plain relative patterns as under the output root', () => {
    expect(parseOutputPattern('//render/shot_####', ROOT)).toMatchObject({
      dirs: ['render'],
      name: 'shot_####',
    });
    expect(parseOutputPattern('render/./shot_####', ROOT).dirs).toEqual(['render']);
  });

  it('accepts an absolute pattern inside the root', () => {
    expect(parseOutputPattern('/shared/out/sub/f_####', ROOT)).toMatchObject({
      dirs: ['sub'],
      name: 'f_####',
    });
  });

  it('refuses an absolute pattern outside the root, saying what to give instead', () => {
    expect(() => parseOutputPattern('/etc/f_####', ROOT)).toThrow(
      /outside the output directory \/shared\/out; give a pattern relative to it/,
    );
  });

  it('keeps only the file name of the scene own absolute path, with a note', () => {
    const p = parseOutputPattern('/mnt/projects/shot010/render/shot010_####', ROOT, 'scene');
    expect(p).toMatchObject({ dirs: [], name: 'shot010_####' });
    expect(p.note).toMatch(/the scene writes to \/mnt\/projects\/shot010\/render; frames go to/);
  });

  it('refuses .. segments, control characters and backslashes', () => {
    expect(() => parseOutputPattern('//../x_####', ROOT)).toThrow(/remove the "\.\." segment/);
    expect(() => parseOutputPattern('/shared/out/../x', ROOT)).toThrow(/remove the "\.\." segment/);
    expect(() => parseOutputPattern('a/\nb', ROOT)).toThrow(/control character at position 2/);
    expect(() => parseOutputPattern('a\\b_##', ROOT)).toThrow(/write \/ between folders/);
    expect(() => parseOutputPattern('  ', ROOT)).toThrow(UsageError);
    expect(() => parseOutputPattern('.partial-1-x', ROOT)).toThrow(/kept for unfinished frames/);
  });

  it('names the scene output path in errors about it', () => {
    expect(() => parseOutputPattern('//../x', ROOT, 'scene')).toThrow(
      /the scene's output path "\/\/\.\.\/x" \(or give an output pattern\)/,
    );
  });
});

describe('resolveOutputPattern', () => {
  it('prefers the request, then the scene, then frame_####', () => {
    expect(
      resolveOutputPattern({ root: ROOT, requested: 'a_##', sceneOutputPath: '//b_#' }).raw,
    ).toBe('a_##');
    expect(resolveOutputPattern({ root: ROOT, sceneOutputPath: '//b_#' })).toMatchObject({
      raw: '//b_#',
      source: 'scene',
    });
    expect(resolveOutputPattern({ root: ROOT, sceneOutputPath: '/tmp/' })).toMatchObject({
      raw: 'frame_####',
      source: 'default',
    });
    expect(resolveOutputPattern({ root: ROOT, sceneOutputPath: '' }).source).toBe('default');
  });
});

describe('planOutputFiles', () => {
  it('names every frame up front', () => {
    const p = parseOutputPattern('//render/shot010_####', ROOT);
    expect(planOutputFiles(p, [1, 2, 240], 'OPEN_EXR')).toEqual([
      { frame: 1, name: 'render/shot010_0001.exr' },
      { frame: 2, name: 'render/shot010_0002.exr' },
      { frame: 240, name: 'render/shot010_0240.exr' },
    ]);
  });

  it('names the default pattern as frameFileName always has', () => {
    const p = resolveOutputPattern({ root: ROOT });
    expect(planOutputFiles(p, [7], 'PNG')).toEqual([{ frame: 7, name: 'frame_0007.png' }]);
  });
});
