import { describe, expect, it } from 'vitest';
import {
  formatCostProfile,
  formatRenderEfficiency,
  idealMakespan,
  verdict,
} from '../../src/bench/report.js';

const profile = [
  { frame: 1, seconds: 0.25 },
  { frame: 2, seconds: 0.25 },
  { frame: 3, seconds: 4 },
  { frame: 4, seconds: 4 },
];

describe('render-efficiency report', () => {
  it('draws one bar per frame, longest for the costliest frame', () => {
    const lines = formatCostProfile(profile, 20).split('\n');
    expect(lines).toHaveLength(5);
    const bar = (line: string | undefined): number => (line?.match(/█/g) ?? []).length;
    expect(bar(lines[2])).toBe(20);
    expect(bar(lines[0])).toBeGreaterThanOrEqual(1);
    expect(bar(lines[0])).toBeLessThan(bar(lines[2]));
    expect(lines[4]).toMatch(/4 frames, 8\.5 s in all/);
  });

  it('bounds the ideal makespan by the costliest frame and by total over slots', () => {
    expect(idealMakespan(profile, 2)).toBeCloseTo(4.25);
    expect(idealMakespan(profile, 8)).toBe(4);
  });

  it('marks values against targets, with n/a when nothing was measured', () => {
    expect(verdict(0.85, 0.85)).toBe('PASS');
    expect(verdict(0.86, 0.85)).toBe('MISS');
    expect(verdict(0.05, 0.05, false)).toBe('MISS');
    expect(verdict(undefined, 0.85)).toBe('n/a');
  });

  it('prints n/a for ours when the coordinator leg has not run', () => {
    const text = formatRenderEfficiency({
      profile,
      staticSplit: { makespanSeconds: 8.5 },
      jobArray: { makespanSeconds: 12 },
    });
    const row = (name: string): string =>
      text.split('\n').find((l) => l.trimStart().startsWith(name)) ?? '';
    expect(row('ours')).toMatch(/n\/a/);
    expect(row('static split')).toMatch(/8\.5 s .*n\/a/);
    expect(text).toMatch(/overhead beyond Blender's render time: n\/a/);
    expect(text).not.toMatch(/PASS|MISS/);
  });

  it('prints ratios and PASS/MISS once ours is measured', () => {
    const text = formatRenderEfficiency({
      profile,
      slots: 2,
      ours: { makespanSeconds: 6, renderSecondsTotal: 8.5, overheadFraction: 0.02 },
      staticSplit: { makespanSeconds: 8 },
      jobArray: { makespanSeconds: 8 },
    });
    const row = (name: string): string =>
      text.split('\n').find((l) => l.trimStart().startsWith(name)) ?? '';
    expect(row('static split')).toMatch(/0\.75 .*PASS/);
    expect(row('job array')).toMatch(/0\.75 .*MISS/);
    expect(text).toMatch(/2\.0% of 8\.5 s rendering .*PASS/);
  });
});
