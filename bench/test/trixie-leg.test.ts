import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../main.js';
import { trixieArgs } from '../trixie-leg.js';

describe('the render leg in the Debian 13 world', () => {
  it('runs the same scene there, its render leg only, without running the world again', () => {
    const argv = ['--frames', '8', '--only', 'render', '--only=scale', '--width=64', '--out', 'o'];
    const args = trixieArgs(argv, '/abs/out');
    expect(args).toEqual([
      '--frames',
      '8',
      '--width=64',
      '--only',
      'render',
      '--world',
      'host',
      '--out',
      '/abs/out/trixie',
    ]);
    const s = parseBenchArgs(args);
    expect({ only: s.only, world: s.world, frames: s.frames, width: s.width }).toEqual({
      only: ['render'],
      world: 'host',
      frames: 8,
      width: 64,
    });
  });

  it('runs in both worlds unless told otherwise, and names the choices for a wrong one', () => {
    expect(parseBenchArgs([]).world).toBe('both');
    expect(() => parseBenchArgs(['--world', 'mars'])).toThrow(
      /--world mars: choose from host, trixie, both/,
    );
  });
});
