import { describe, expect, it } from 'vitest';
import { resolveFormatString } from '../../src/openjd/format-string.js';
import { withBindings } from '../../src/openjd/let-scope.js';

/** Ints are 64-bit signed integers (RFC 0005): exact over the whole range, an error outside it. */

const scope: Record<string, { type: string; value: string }> = {
  'Param.Big': { type: 'INT', value: '9223372036854775807' },
  'Param.Small': { type: 'INT', value: '-9223372036854775808' },
  'Param.Frame': { type: 'INT', value: '7' },
};
const ev = (s: string) => resolveFormatString(`{{ ${s} }}`, (n) => scope[n]);
const value = (s: string) => ({ value: s });
const outOfRange = { error: expect.stringMatching(/outside the 64-bit integer range/) as string };

describe('EXPR ints are 64-bit', () => {
  it('keeps every digit of literals and INT parameters at the ends of the range', () => {
    expect(ev('9223372036854775807')).toEqual(value('9223372036854775807'));
    expect(ev('-9223372036854775808')).toEqual(value('-9223372036854775808'));
    expect(ev('-9223372036854775808 + 9223372036854775807')).toEqual(value('-1'));
    expect(ev('Param.Big')).toEqual(value('9223372036854775807'));
    expect(ev('Param.Big - 1')).toEqual(value('9223372036854775806'));
    expect(ev('Param.Big == 9223372036854775807')).toEqual(value('true'));
    expect(ev('Param.Small')).toEqual(value('-9223372036854775808'));
    expect(ev('2 ** 62')).toEqual(value('4611686018427387904'));
    expect(ev('-(2 ** 62) * 2')).toEqual(value('-9223372036854775808'));
  });

  it('refuses a result outside the range rather than rounding it', () => {
    expect(ev('Param.Big + 1')).toMatchObject(outOfRange);
    expect(ev('Param.Small - 1')).toMatchObject(outOfRange);
    expect(ev('9223372036854775808')).toMatchObject(outOfRange);
    expect(ev('3037000500 * 3037000500')).toMatchObject(outOfRange);
    expect(ev('2 ** 63')).toMatchObject(outOfRange);
    expect(ev('3 ** 100000000000')).toMatchObject(outOfRange);
    expect(ev('Param.Small // -1')).toMatchObject(outOfRange);
    expect(ev('-Param.Small')).toMatchObject(outOfRange);
    expect(ev('abs(Param.Small)')).toMatchObject(outOfRange);
  });

  it('divides as Python does: floor division and a remainder with the divisor sign', () => {
    expect(ev('-7 // 2')).toEqual(value('-4'));
    expect(ev('-7 % 2')).toEqual(value('1'));
    expect(ev('7 % -2')).toEqual(value('-1'));
    expect(ev('Param.Big // 2')).toEqual(value('4611686018427387903'));
    expect(ev('Param.Big % 10')).toEqual(value('7'));
    expect(ev('7 / 2')).toEqual(value('3.5'));
    expect(ev('2 ** -2')).toEqual(value('0.25'));
    expect(ev('1 // 0')).toEqual({ error: '{{ 1 // 0 }}: division by zero' });
  });

  it('compares ints with floats by their exact values', () => {
    expect(ev('9007199254740993 == 9007199254740992.0')).toEqual(value('false'));
    expect(ev('9007199254740993 > 9007199254740992.0')).toEqual(value('true'));
    expect(ev('Param.Frame == 7.0')).toEqual(value('true'));
    expect(ev('Param.Big > Param.Big - 1')).toEqual(value('true'));
  });

  it('keeps functions exact over the range', () => {
    expect(ev('abs(-9223372036854775807)')).toEqual(value('9223372036854775807'));
    expect(ev('sum([9223372036854775806, 1])')).toEqual(value('9223372036854775807'));
    expect(ev('sum([Param.Big, 1])')).toMatchObject(outOfRange);
    expect(ev('max(Param.Big, 1, Param.Small)')).toEqual(value('9223372036854775807'));
    expect(ev('min([Param.Big, Param.Small])')).toEqual(value('-9223372036854775808'));
    expect(ev('int("9223372036854775807")')).toEqual(value('9223372036854775807'));
    expect(ev('int("9223372036854775808")')).toMatchObject(outOfRange);
    expect(ev('string(Param.Big)')).toEqual(value('9223372036854775807'));
    expect(ev('repr_json([Param.Big, 1])')).toEqual(value('[9223372036854775807, 1]'));
    expect(ev('repr_py(Param.Small)')).toEqual(value('-9223372036854775808'));
    expect(ev('string(range(Param.Big - 2, Param.Big))')).toEqual(
      value('[9223372036854775805, 9223372036854775806]'),
    );
  });

  it('binds an int in a let binding exactly', () => {
    const lookup = withBindings(['big = Param.Big', 'less = big - 7'], ['let'], (n) => scope[n]);
    expect(resolveFormatString('{{ less }} {{ big }}', lookup)).toEqual(
      value('9223372036854775800 9223372036854775807'),
    );
  });
});
