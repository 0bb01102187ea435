import { describe, expect, it } from 'vitest';
import {
  combinationLength,
  combinationPoints,
  parseCombination,
  type CombinationNode,
} from '../../src/openjd/combination.js';
import { matching } from './helpers/matching.js';

const A = ['1', '2', '3'];
const B = ['10', '11', '12'];
const C = ['20', '21'];
const ranges: Record<string, string[]> = { A, B, C };
const lengths = new Map(Object.entries(ranges).map(([k, v]) => [k, v.length]));

function points(expr: string): string[] {
  const node = parseCombination(expr) as CombinationNode;
  return combinationPoints(node, lengths).map((p) =>
    Object.entries(p)
      .sort()
      .map(([k, i]) => `${k}=${ranges[k]?.[i]}`)
      .join(','),
  );
}

describe('combination expressions', () => {
  it('multiplies row-major, the right-most parameter moving fastest', () => {
    expect(points('A * B').slice(0, 4)).toEqual(['A=1,B=10', 'A=1,B=11', 'A=1,B=12', 'A=2,B=10']);
    expect(points('(B, A) * C').slice(0, 3)).toEqual([
      'A=1,B=10,C=20',
      'A=1,B=10,C=21',
      'A=2,B=11,C=20',
    ]);
  });

  it('associates ranges element by element', () => {
    expect(points('(A, B)')).toEqual(['A=1,B=10', 'A=2,B=11', 'A=3,B=12']);
    expect(points('C * (A, B)').slice(0, 4)).toEqual([
      'A=1,B=10,C=20',
      'A=2,B=11,C=20',
      'A=3,B=12,C=20',
      'A=1,B=10,C=21',
    ]);
  });

  it('refuses to associate ranges of different lengths', () => {
    const node = parseCombination('(A, C)') as CombinationNode;
    expect(combinationLength(node, lengths)).toMatchObject({
      error: matching(/different lengths \(3, 2\)/),
    });
  });

  it('says where an expression does not parse', () => {
    expect(parseCombination('A * ')).toMatchObject({
      error: matching(/expected a task parameter name/),
    });
    expect(parseCombination('(A, B')).toMatchObject({
      error: matching(/expected "\)"/),
    });
    expect(parseCombination('A + B')).toMatchObject({
      error: matching(/"\+" .* is not allowed/),
    });
  });
});
