import { describe, expect, it } from 'vitest';
import { formatCostProfile, formatRenderEfficiency, idealMakespan, verdict } from '../report.js';

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

  it("judges the share of the ideal on ours' own frames, and shows the profile's beside it", () => {
    const text = (ours: {
      makespanSeconds: number;
      renderSecondsTotal: number;
      longestFrameSeconds?: number;
    }) =>
      formatRenderEfficiency({
        profile, // 8.5 s one at a time: an ideal of 4.25 s on 2 slots
        slots: 2,
        ours: { ...ours, overheadFraction: 0.01 },
        staticSplit: { makespanSeconds: 8 },
        jobArray: { makespanSeconds: 8 },
      });
    // The machine was slower during ours: its frames took 10 s, an ideal of 5 s.
    const slow = text({ makespanSeconds: 5.5, renderSecondsTotal: 10 });
    expect(slow).toMatch(
      /91% of the ideal makespan of its own frames \(5\.0 s: .* 10\.0 s, over 2 slots\) \(target ≥ 85%\) PASS/,
    );
    expect(slow).toMatch(/77% of the profile's ideal \(4\.3 s/);
    // Its costliest frame bounds it as for the profile.
    const long = text({ makespanSeconds: 7, renderSecondsTotal: 10, longestFrameSeconds: 6.5 });
    expect(long).toMatch(/93% of the ideal makespan of its own frames \(6\.5 s: .*PASS/);
    expect(text({ makespanSeconds: 6.5, renderSecondsTotal: 10 })).toMatch(
      /77% of the ideal .* MISS/,
    );
  });
});
