import { describe, expect, it } from 'vitest';
import { releaseMarks, type Release } from '../../../src/coordinator/view/release-lines.js';

const at = Date.parse('2026-12-06T12:00:05Z');
const released: Release[] = [{ nodes: ['node3'], at, actor: 'user' }];
const note = 'released node3 by scale --remove at 2026-12-06T12:00:05Z';

describe("a shrink's lines in the Slurm output", () => {
  it('marks the step-ending lines of a released node, and those beside them that name none', () => {
    const lines = [
      'agent node1 gpu0 started',
      'slurmstepd: error: *** STEP 7.2 ON node3 CANCELLED AT 2026-12-06T12:00:05 ***',
      'srun: Job step aborted: Waiting up to 32 seconds for job step to finish.',
      'srun: error: node3: tasks 0-3: Killed',
      'srun: error: node1: task 0: Exited with exit code 1',
      'srun: error: node4: tasks 0-3: Terminated',
    ];
    expect(releaseMarks(lines, released)).toEqual([null, note, note, note, null, null]);
  });

  it('leaves a cancel of the same node long after the release (it came back) and a job with no release alone', () => {
    const later = 'slurmstepd: error: *** STEP 9.0 ON node3 CANCELLED AT 2026-12-06T13:30:00 ***';
    expect(releaseMarks([later], released)).toEqual([null]);
    expect(releaseMarks(['srun: error: node3: task 1: Killed'], [])).toEqual([null]);
    // node3 is not node30
    expect(releaseMarks(['srun: error: node30: task 1: Killed'], released)).toEqual([null]);
  });

  it("says the autoscaler's releases are its own", () => {
    const auto: Release[] = [{ nodes: ['node3'], at, actor: 'policy' }];
    expect(releaseMarks(['srun: error: node3: task 1: Killed'], auto)).toEqual([
      'released node3 by the autoscaler at 2026-12-06T12:00:05Z',
    ]);
  });
});
