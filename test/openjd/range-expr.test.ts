import { describe, expect, it } from 'vitest';
import { MAX_RANGE_VALUES, parseRangeExpr } from '../../src/openjd/range-expr.js';
import { matching } from './helpers/matching.js';

const values = (e: string) => {
  const r = parseRangeExpr(e);
  if ('error' in r) throw new Error(r.error);
  return r.values;
};

describe('range expressions', () => {
  it("gives the spec's table of examples", () => {
    expect(values('1 - 5')).toEqual([1, 2, 3, 4, 5]);
    expect(values('1 - -1')).toEqual([1]);
    expect(values('-1 - 1')).toEqual([-1, 0, 1]);
    expect(values('1-5:2')).toEqual([1, 3, 5]);
    expect(values('10-15:2,1-5')).toEqual([1, 2, 3, 4, 5, 10, 12, 14]);
    expect(values('1-10:4')).toEqual([1, 5, 9]);
  });

  it('lists a descending range with a negative step in increasing order', () => {
    expect(values('10-1:-3')).toEqual([1, 4, 7, 10]);
    expect(values('1-100:2,200')).toHaveLength(51);
  });

  it('refuses overlapping elements, a zero step and text that is not a range', () => {
    expect(parseRangeExpr('1-10:4,10-15')).toMatchObject({
      error: matching(/"1-10:4" and "10-15" overlap/),
    });
    expect(parseRangeExpr('3,3')).toMatchObject({ error: matching(/overlap/) });
    expect(parseRangeExpr('1-5:0')).toMatchObject({ error: matching(/step of 0/) });
    expect(parseRangeExpr('1-a')).toMatchObject({ error: matching(/not an element/) });
    expect(parseRangeExpr(' ')).toMatchObject({ error: matching(/empty/) });
  });

  it('refuses a range that stands for more values than the expansion allows', () => {
    expect(parseRangeExpr(`1-${MAX_RANGE_VALUES + 1}`)).toMatchObject({
      error: matching(/at most/),
    });
  });
});
