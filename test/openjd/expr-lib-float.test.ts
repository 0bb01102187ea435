import { describe, expect, it } from 'vitest';
import { resolveFormatString } from '../../src/openjd/format-string.js';
import { withBindings } from '../../src/openjd/let-scope.js';

/**
 * Floats (RFC 0005): finite doubles, never -0.0; one only copied keeps the text it was written
 * with, one computed prints as Python's shortest repr.
 */

const scope: Record<string, { type: string; value: string }> = {
  'Param.Scale': { type: 'FLOAT', value: '3.500' },
  'Param.Count': { type: 'INT', value: '2' },
};
const ev = (s: string) => resolveFormatString(`{{ ${s} }}`, (n) => scope[n]);
const value = (s: string) => ({ value: s });

describe('EXPR floats', () => {
  it('pass a copied float through with the text it was written with', () => {
    expect(ev('Param.Scale')).toEqual(value('3.500'));
    expect(ev('1.30')).toEqual(value('1.30'));
    expect(ev('[1.70, 2][0]')).toEqual(value('1.70'));
    expect(ev('Param.Scale if true else 0.0')).toEqual(value('3.500'));
    expect(ev('1e308')).toEqual(value('1e308'));
    expect(ev('9223372036854775808.0')).toEqual(value('9223372036854775808.0'));
    expect(ev('string(2.50)')).toEqual(value('2.50'));
    const lookup = withBindings(['x = 1.250', 'y = [x]'], ['let'], (n) => scope[n]);
    expect(resolveFormatString('{{ x }} {{ y[0] }}', lookup)).toEqual(value('1.250 1.250'));
  });

  it('write a float made by unary plus as computed, and promote ints among floats in nested lists', () => {
    expect(ev('+1.5e3')).toEqual(value('1500.0'));
    expect(ev('+Param.Scale')).toEqual(value('3.5'));
    expect(ev('[[1], [2.0]]')).toEqual(value('[[1.0], [2.0]]'));
    expect(ev('[[1], [2]]')).toEqual(value('[[1], [2]]'));
  });

  it("print a computed float as Python's shortest repr", () => {
    expect(ev('Param.Scale + 1')).toEqual(value('4.5'));
    expect(ev('Param.Scale * Param.Count')).toEqual(value('7.0'));
    expect(ev('0.1 + 0.2')).toEqual(value('0.30000000000000004'));
    expect(ev('-9223372036854775809.0')).toEqual(value('-9.223372036854776e+18'));
    expect(ev('1e16 * 1')).toEqual(value('1e+16'));
    expect(ev('1e15 * 1')).toEqual(value('1000000000000000.0'));
    expect(ev('0.0001 * 1')).toEqual(value('0.0001'));
    expect(ev('0.00001 * 1')).toEqual(value('1e-05'));
    expect(ev('2.5e-300 * 1')).toEqual(value('2.5e-300'));
    expect(ev('float("42")')).toEqual(value('42.0'));
    expect(ev('repr_json([2.0 * 1, 1])')).toEqual(value('[2.0, 1.0]'));
    expect(ev('repr_py(0.5 * 1)')).toEqual(value('0.5'));
  });

  it('never give -0.0', () => {
    expect(ev('-0.0')).toEqual(value('0.0'));
    expect(ev('-1.0 * 0.0')).toEqual(value('0.0'));
    expect(ev('abs(-0.0)')).toEqual(value('0.0'));
    expect(ev('-0.0 == 0.0')).toEqual(value('true'));
  });

  it('refuse a result that is not finite', () => {
    expect(ev('1e308 * 10')).toMatchObject({
      error: expect.stringMatching(/not a finite number/) as string,
    });
    expect(ev('2.0 ** 5000')).toMatchObject({
      error: expect.stringMatching(/not a finite number/) as string,
    });
  });
});
