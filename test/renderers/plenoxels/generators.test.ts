import { describe, expect, it } from 'vitest';
import { exactExp, exactLog } from '../../../src/renderers/plenoxels/exact-math.js';
import {
  evaluateGenerator,
  linspace,
  parseGenerator,
} from '../../../src/renderers/plenoxels/generators.js';
import {
  floatRepr,
  parsePythonJson,
  PyFloat,
  pyRepr,
} from '../../../src/renderers/plenoxels/py-values.js';

const reprs = (text: string, random?: () => number): string[] =>
  evaluateGenerator(parseGenerator(text, 'x'), random).map((v) => floatRepr(v.value));

describe('generators', () => {
  it('evaluates the four generators as autotune.py and numpy do', () => {
    expect(reprs('lin(1, 2, 3)')).toEqual(['1.0', '1.5', '2.0']);
    expect(reprs(' lin( 5 , 5 , 1 ) ')).toEqual(['5.0']);
    expect(reprs('loglin(1e-3, 1e-1, 5)')).toEqual([
      '0.0010000000000000002',
      '0.003162277660168382',
      '0.010000000000000004',
      '0.03162277660168381',
      '0.10000000000000002',
    ]);
    expect(reprs('randlin(0, 1, 2)', () => 0)).toEqual(['0.0', '0.5']);
    expect(reprs('randloglin(1, 100, 2)', () => 0)).toEqual(['1.0', '10.000000000000002']);
  });

  it('computes linspace step by step as numpy does, ending exactly on stop', () => {
    expect(linspace(0, 0.3, 4)).toEqual([0, 0.09999999999999999, 0.19999999999999998, 0.3]);
  });

  it('rounds exp and log correctly where Math.exp is one unit off', () => {
    expect(exactExp(-3.748551840672583)).toBe(0.023551827971240526);
    expect(exactExp(0)).toBe(1);
    expect(exactLog(1)).toBe(0);
    expect(exactLog(Math.E)).toBe(1);
  });

  it('rejects anything but a call of one of the four with number arguments', () => {
    expect(() => parseGenerator('np.linspace(0, 1, 3)', 'variables.a')).toThrow(
      /variables\.a: "np\.linspace\(0, 1, 3\)" is not a generator/,
    );
    expect(() => parseGenerator('lin(0, 1)', 'v')).toThrow(/is not a generator/);
    expect(() => parseGenerator('randlin(0, 1, 1)', 'v')).toThrow(/needs num >= 2/);
  });
});

describe('Python values', () => {
  it('prints floats as Python repr does', () => {
    const cases: [number, string][] = [
      [1, '1.0'],
      [0.1, '0.1'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1e16, '1e+16'],
      [123456789012345.6, '123456789012345.6'],
      [-2.5e-7, '-2.5e-07'],
      [1.5e300, '1.5e+300'],
      [-0, '-0.0'],
      [NaN, 'nan'],
      [1e22, '1e+22'],
      [44000000, '44000000.0'],
    ];
    expect(cases.map(([v]) => floatRepr(v))).toEqual(cases.map(([, r]) => r));
  });

  it('keeps JSON floats apart from ints, inside strings too', () => {
    const v = parsePythonJson('{"a": [1, 1.0, 2e3, -0.5], "s": "1.0 and 2"}', 'f') as Record<
      string,
      unknown
    >;
    expect(v.a).toEqual([1, new PyFloat(1), new PyFloat(2000), new PyFloat(-0.5)]);
    expect(v.s).toBe('1.0 and 2');
    expect(pyRepr(["it's", true, null, { k: 'v' }])).toBe(`["it's", True, None, {'k': 'v'}]`);
  });
});
