import { describe, expect, it } from 'vitest';
import { wrapLine, wrapLines } from '../../src/cli/format/wrap.js';

describe('a line fitted to a terminal', () => {
  it('breaks at spaces, never inside a word, and indents what follows', () => {
    const line =
      '  12:00:01  coordinator frame 41 (task 41) failed on node2 GPU 1: Error: Cannot read file';
    const out = wrapLine(line, 40);
    for (const l of out) expect(l.length).toBeLessThanOrEqual(40);
    expect(out.join(' ').replace(/ +/g, ' ')).toBe(line.replace(/ +/g, ' '));
    // Every word whole on one line.
    const words = line.trim().split(/ +/);
    expect(out.flatMap((l) => l.trim().split(/ +/))).toEqual(words);
    expect(out.slice(1).every((l) => l.startsWith('    '))).toBe(true);
  });

  it('cuts only a word wider than the terminal, and leaves short lines and narrow widths alone', () => {
    const path = `/shared/${'x'.repeat(70)}/scene.blend`;
    const out = wrapLine(`output    ${path}`, 30);
    for (const l of out) expect(l.length).toBeLessThanOrEqual(30);
    expect(out.join('').replace(/ +/g, '')).toBe(`output${path}`);
    expect(wrapLine('short', 80)).toEqual(['short']);
    expect(wrapLine('a '.repeat(30), undefined)).toEqual(['a '.repeat(30)]);
    expect(wrapLines(['a b', 'c'], 80)).toEqual(['a b', 'c']);
  });
});
