import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote, UnsafeValueError } from '../../src/shell/quote.js';
import { HOSTILE_VALUES } from '../helpers/hostile.js';
import { runBash } from '../helpers/shell.js';

describe('shellQuote', () => {
  it('keeps every hostile value one literal word when bash reads it', () => {
    rmSync('/tmp/ct-pwned', { force: true });
    for (const value of HOSTILE_VALUES) {
      const out = runBash(`printf '%s\\0' ${shellQuote(value)}`);
      expect(out).toBe(`${value}\0`);
    }
    expect(existsSync('/tmp/ct-pwned')).toBe(false);
  });

  it('leaves plain words bare so generated scripts stay readable', () => {
    expect(shellQuote('node1')).toBe('node1');
    expect(shellQuote('/shared/jobs/j-1/frame_0001.png')).toBe('/shared/jobs/j-1/frame_0001.png');
  });

  it('rejects a NUL byte and names the field', () => {
    expect(() => shellQuote('a\0b', 'scene path')).toThrow(UnsafeValueError);
    expect(() => shellQuote('a\0b', 'scene path')).toThrow(/scene path: .*NUL/);
  });

  it('rejects a line break where one line is needed, and allows it when asked', () => {
    expect(() => shellQuote('a\nb', 'job name')).toThrow(/job name: .*line break/);
    expect(runBash(`printf '%s' ${shellQuote('a\nb', 'text', { multiline: true })}`)).toBe('a\nb');
  });

  it('joins words into a command line a user can paste', () => {
    expect(shellJoin(['sbatch', '--job-name=x y', 'a$b'])).toBe(`sbatch '--job-name=x y' 'a$b'`);
  });
});
