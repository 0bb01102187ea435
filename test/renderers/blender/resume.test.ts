import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferSource } from '../../../src/renderers/blender/images/bytes.js';
import { checkImage, wholeFrames } from '../../../src/renderers/blender/resume.js';
import { makeExr, makePng, makeJpeg } from './image-bytes.js';

const IMAGES = {
  PNG: makePng(64, 36),
  JPEG: makeJpeg(64, 36),
  OPEN_EXR: makeExr(64, 36),
} as const;

describe('checkImage', () => {
  for (const [format, bytes] of Object.entries(IMAGES)) {
    const fmt = format as keyof typeof IMAGES;

    it(`finds a whole ${format} whole, with its size`, async () => {
      expect(await checkImage(bufferSource(bytes), fmt)).toEqual({
        whole: true,
        width: 64,
        height: 36,
      });
    });

    it(`finds a ${format} cut short at any length not whole`, async () => {
      for (let n = 0; n < bytes.length; n += Math.max(1, Math.floor(bytes.length / 97))) {
        const cut = await checkImage(bufferSource(bytes.subarray(0, n)), fmt);
        expect(cut.whole, `cut to ${n} of ${bytes.length} bytes`).toBe(false);
      }
      const lastByte = await checkImage(bufferSource(bytes.subarray(0, bytes.length - 1)), fmt);
      expect(lastByte.whole).toBe(false);
    });

    it(`finds a ${format} whose tail is zeros (space allocated, never written) not whole`, async () => {
      const zeroed = Buffer.from(bytes);
      zeroed.fill(0, Math.floor(bytes.length / 2));
      expect((await checkImage(bufferSource(zeroed), fmt)).whole).toBe(false);
    });
  }

  it('says why a file is not whole', async () => {
    expect(await checkImage(bufferSource(IMAGES.PNG.subarray(0, 100)), 'PNG')).toEqual({
      whole: false,
      reason: 'does not end with an IEND chunk (cut short?)',
    });
    expect(await checkImage(bufferSource(IMAGES.PNG), 'JPEG')).toEqual({
      whole: false,
      reason: 'no JPEG SOI marker',
    });
    expect(await checkImage(bufferSource(IMAGES.JPEG), 'OPEN_EXR')).toMatchObject({
      reason: 'no EXR magic number',
    });
  });

  it('reads EXRs of every scan-line compression and refuses tiled ones', async () => {
    for (const [compression, lines] of [
      [0, 1],
      [4, 32],
      [9, 256],
    ] as const) {
      const exr = makeExr(20, 300, compression, lines);
      expect(await checkImage(bufferSource(exr), 'OPEN_EXR_MULTILAYER')).toMatchObject({
        whole: true,
      });
    }
    const tiled = Buffer.from(IMAGES.OPEN_EXR);
    tiled.writeUInt32LE(2 | 0x200, 4);
    expect(await checkImage(bufferSource(tiled), 'OPEN_EXR')).toMatchObject({
      whole: false,
      reason: 'a tiled, deep or multi-part EXR (not checked)',
    });
  });

  it('finds an EXR whose chunks do not sit where its table says not whole', async () => {
    const exr = makeExr(64, 36);
    const table = findTable(exr);
    exr.writeBigUInt64LE(exr.readBigUInt64LE(table + 8), table); // entry 0 → chunk 1
    expect(await checkImage(bufferSource(exr), 'OPEN_EXR')).toMatchObject({
      whole: false,
      reason: 'chunk 0 is not where the table says',
    });
  });
});

/** Where makeExr's offset table starts: just after the header's closing null byte. */
function findTable(exr: Buffer): number {
  const lineOrder = exr.indexOf('lineOrder\0lineOrder\0', 0, 'latin1');
  return lineOrder + 'lineOrder\0lineOrder\0'.length + 4 + 1 + 1;
}

describe('wholeFrames', () => {
  function outputDir(): string {
    return mkdtempSync(path.join(tmpdir(), 'ct-resume-'));
  }

  it('sorts expected frames into whole, missing and broken', async () => {
    const dir = outputDir();
    mkdirSync(path.join(dir, 'render'));
    writeFileSync(path.join(dir, 'render/shot_0001.png'), IMAGES.PNG);
    writeFileSync(path.join(dir, 'render/shot_0002.png'), IMAGES.PNG.subarray(0, 60));
    writeFileSync(path.join(dir, 'render/shot_0004.png'), makePng(32, 18));
    writeFileSync(path.join(dir, 'render/shot_0005.png'), IMAGES.JPEG);
    const names = [1, 2, 3, 4, 5].map((f) => `render/shot_000${f}.png`);
    const scan = await wholeFrames(dir, names, 'PNG', { size: [64, 36] });
    expect(scan.whole).toEqual(['render/shot_0001.png']);
    expect(scan.missing).toEqual(['render/shot_0003.png']);
    expect(scan.broken).toEqual([
      { name: 'render/shot_0002.png', reason: 'does not end with an IEND chunk (cut short?)' },
      { name: 'render/shot_0004.png', reason: 'is 32×18, the job renders 64×36' },
      { name: 'render/shot_0005.png', reason: 'no PNG signature' },
    ]);
  });

  it('never counts .partial-* leftovers, and removes them from the frames folders', async () => {
    const dir = outputDir();
    writeFileSync(path.join(dir, 'frame_0001.exr'), IMAGES.OPEN_EXR);
    writeFileSync(path.join(dir, '.partial-123-abc.exr'), IMAGES.OPEN_EXR.subarray(0, 50));
    const scan = await wholeFrames(dir, ['frame_0001.exr', 'frame_0002.exr'], 'OPEN_EXR');
    expect(scan).toMatchObject({ whole: ['frame_0001.exr'], missing: ['frame_0002.exr'] });
    expect(scan.partials).toEqual(['.partial-123-abc.exr']);
    expect(existsSync(path.join(dir, '.partial-123-abc.exr'))).toBe(false);
  });

  it('leaves partial files alone when asked to', async () => {
    const dir = outputDir();
    writeFileSync(path.join(dir, '.partial-9-x.png'), 'x');
    const scan = await wholeFrames(dir, ['frame_0001.png'], 'PNG', { removePartials: false });
    expect(scan.partials).toEqual(['.partial-9-x.png']);
    expect(existsSync(path.join(dir, '.partial-9-x.png'))).toBe(true);
  });

  it('refuses names outside the output directory', async () => {
    await expect(wholeFrames(outputDir(), ['../x.png'], 'PNG')).rejects.toThrow(/is not inside/);
    await expect(wholeFrames(outputDir(), ['/etc/passwd'], 'PNG')).rejects.toThrow(/is not inside/);
  });
});
