import { describe, expect, it } from 'vitest';
import { splitContiguous } from '../render-ways.js';
import { renderTemplate } from '../../src/templates/render.js';
import { HOSTILE_VALUES } from '../../test/helpers/hostile.js';
import { bashSyntaxErrors, shellcheckFindings } from '../../test/helpers/shell.js';

describe('bench scripts', () => {
  it('render the static split, job array and farm job with hostile paths into clean bash', () => {
    for (const value of HOSTILE_VALUES) {
      const common = { blender: 'blender', scene: `/tmp/${value}.blend`, threads: 1 };
      const outputPattern = `/tmp/${value}/frame_####`;
      const scripts = [
        renderTemplate('bench/templates/static-split.sbatch.hbs', {
          ...common,
          outputPattern,
          start: 1,
          end: 12,
        }),
        renderTemplate('bench/templates/job-array.sbatch.hbs', {
          ...common,
          outputPattern,
          frames: ['1', '2', '3'],
        }),
        renderTemplate('bench/templates/farm-job.sbatch.hbs', {
          nodes: 2,
          log: `/tmp/${value}/farm.log`,
          seconds: [1, 0.5, 2],
        }),
      ];
      for (const script of scripts) {
        expect(bashSyntaxErrors(script)).toBe('');
        expect(shellcheckFindings(script)).toBe('');
      }
    }
  });

  it('splits frames into contiguous ranges that differ by at most one frame', () => {
    expect(splitContiguous([1, 2, 3, 4, 5], 2)).toEqual([
      { start: 1, end: 3 },
      { start: 4, end: 5 },
    ]);
    expect(splitContiguous([7], 2)).toEqual([{ start: 7, end: 7 }]);
    expect(() => splitContiguous([1, 3], 2)).toThrow(/consecutive frames/);
  });
});
