import { describe, expect, it } from 'vitest';
import { allocationEnd } from '../../src/coordinator/allocations/allocation-end.js';

describe("how an allocation's end reads in the history", () => {
  it('says one the coordinator let go was released, when Slurm reports it CANCELLED', () => {
    for (const state of ['CANCELLED', 'CANCELLED by 1000'])
      expect(allocationEnd(7, state, true)).toEqual({
        message: 'Slurm job 7 released (Slurm reports it CANCELLED)',
        level: 'detail',
      });
  });

  it("folds the coordinator's own ends and Slurm's completions, saying what Slurm said", () => {
    expect(allocationEnd(7, 'TIMEOUT', true)).toEqual({
      message: 'Slurm job 7 ended (TIMEOUT)',
      level: 'detail',
    });
    expect(allocationEnd(7, undefined, true)).toEqual({
      message: 'Slurm job 7 ended',
      level: 'detail',
    });
    expect(allocationEnd(7, 'COMPLETED', false)).toEqual({
      message: 'Slurm job 7 ended (COMPLETED)',
      level: 'detail',
    });
  });

  it('leaves any other end at the level its type has (a warning)', () => {
    expect(allocationEnd(7, 'CANCELLED', false)).toEqual({
      message: 'Slurm job 7 ended (CANCELLED)',
      level: undefined,
    });
    expect(allocationEnd(7, 'NODE_FAIL', false).level).toBeUndefined();
    expect(allocationEnd(7, undefined, false)).toEqual({
      message: 'Slurm job 7 ended',
      level: undefined,
    });
  });
});
