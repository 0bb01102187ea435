import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import {
  chunkFrames,
  formatFrames,
  frameFileName,
  parseFrames,
} from '../../../src/renderers/blender/frames.js';

describe('parseFrames', () => {
  it('reads a single frame', () => {
    expect(parseFrames('7')).toEqual([7]);
  });

  it('reads an inclusive range', () => {
    expect(parseFrames('1-240')).toHaveLength(240);
    expect(parseFrames('3-5')).toEqual([3, 4, 5]);
  });

  it('reads a stepped range, keeping every nth frame from the start', () => {
    const frames = parseFrames('1-240x2');
    expect(frames).toHaveLength(120);
    expect(frames.slice(0, 3)).toEqual([1, 3, 5]);
    expect(frames.at(-1)).toBe(239);
  });

  it('reads a comma list and returns it sorted without duplicates', () => {
    expect(parseFrames('9-12,1,5,10, 1')).toEqual([1, 5, 9, 10, 11, 12]);
  });

  it('accepts frame 0', () => {
    expect(parseFrames('0-2')).toEqual([0, 1, 2]);
  });

  it.each([
    ['10-1', /ends before it starts; write 1-10/],
    ['0-1e9', /not a frame/],
    ['0-1000000', /past Blender's last frame|at most 100000/],
    ['1-100001', /names 100001 frames; at most 100000/],
    ['abc', /"abc" is not a frame/],
    ['', /is empty/],
    ['   ', /is empty/],
    ['1,,2', /empty item/],
    ['-5', /negative/],
    ['1-10x0', /step 0/],
    ['1.5', /not a frame/],
  ])('rejects %j with a usage error that says why', (spec, why) => {
    expect(() => parseFrames(spec)).toThrow(UsageError);
    expect(() => parseFrames(spec)).toThrow(why);
  });

  it('rejects a list whose ranges together name more than 100000 frames', () => {
    expect(() => parseFrames('0-99999,200000-200009')).toThrow(/more than 100000/);
  });
});

describe('chunkFrames', () => {
  it('splits frames into chunks of the given size, the last one shorter', () => {
    expect(chunkFrames([1, 3, 5, 7, 9], 2)).toEqual([[1, 3], [5, 7], [9]]);
  });

  it('returns no chunks for no frames', () => {
    expect(chunkFrames([], 4)).toEqual([]);
  });

  it.each([0, -1, 1.5])('rejects chunk size %d', (size) => {
    expect(() => chunkFrames([1, 2], size)).toThrow(UsageError);
  });
});

describe('formatFrames', () => {
  it('writes consecutive runs as ranges', () => {
    expect(formatFrames([1, 2, 3, 4, 7, 9, 10])).toBe('1-4,7,9-10');
    expect(formatFrames([])).toBe('');
  });
});

describe('frameFileName', () => {
  it('pads frame numbers to four digits and names the format', () => {
    expect(frameFileName(12, 'PNG')).toBe('frame_0012.png');
    expect(frameFileName(12, 'OPEN_EXR')).toBe('frame_0012.exr');
  });

  it('uses more digits when the frame needs them', () => {
    expect(frameFileName(123456, 'PNG')).toBe('frame_123456.png');
  });

  it('rejects negative or fractional frames', () => {
    expect(() => frameFileName(-1, 'PNG')).toThrow(RangeError);
    expect(() => frameFileName(1.5, 'PNG')).toThrow(RangeError);
  });
});
