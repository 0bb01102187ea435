import { describe, expect, it } from 'vitest';
import { isAtLeast, parseSlurmVersion, resizesJobOnce } from '../../src/slurm/version.js';

describe('Slurm releases', () => {
  it("reads the release from sinfo --version of Debian's and SchedMD's builds", () => {
    expect(parseSlurmVersion('slurm-wlm 22.05.8\n')).toEqual({
      major: 22,
      minor: 5,
      micro: 8,
      release: '22.05.8',
    });
    expect(parseSlurmVersion('slurm 24.11.5')).toMatchObject({ major: 24, minor: 11, micro: 5 });
    expect(parseSlurmVersion('sinfo: error: no version')).toBeUndefined();
  });

  it('compares by major and minor release', () => {
    const v = parseSlurmVersion('slurm 24.11.0');
    if (!v) throw new Error('unparsed');
    expect(isAtLeast(v, 24, 11)).toBe(true);
    expect(isAtLeast(v, 24, 5)).toBe(true);
    expect(isAtLeast(v, 25, 5)).toBe(false);
  });

  it('counts a job as resizable once before 24.11 and again and again from it', () => {
    const once = (text: string) =>
      resizesJobOnce(parseSlurmVersion(text) ?? { major: 0, minor: 0, micro: 0, release: '' });
    expect(once('slurm-wlm 22.05.8')).toBe(true);
    expect(once('slurm 23.11.10')).toBe(true);
    expect(once('slurm-wlm 24.11.5')).toBe(false);
    expect(once('slurm 25.05.1')).toBe(false);
  });
});
