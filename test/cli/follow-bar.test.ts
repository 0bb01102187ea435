import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { barFields, progressBar, type FollowedJob } from '../../src/cli/commands/follow-job.js';

const job = (over: Partial<FollowedJob> = {}): FollowedJob => ({
  id: 'j1',
  state: 'running',
  stage: 'render',
  progress: { total: 48, done: 0, queued: 48, leased: 0, failed: 0, cancelled: 0 },
  unit: 'frames',
  ratePerMinute: 0,
  etaSeconds: null,
  asOf: 1_000_000,
  createdAt: 1_000_000,
  startedAt: 1_000_000,
  waiting: null,
  finishedAt: null,
  error: null,
  allocations: [],
  ...over,
});

/** The text the bar writes for `j`, drawn to a stream as on a terminal. */
function drawn(j: FollowedJob, now: number): string {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  const bar = progressBar({ stream, noTTYOutput: true, notTTYSchedule: 1 });
  bar.start(j.progress.total, j.progress.done, barFields(j, now));
  bar.update(j.progress.done, barFields(j, now));
  bar.stop();
  return text;
}

describe('the `submit --wait` bar', () => {
  it('says the ETA is unknown before anything finished, never INF', () => {
    const text = drawn(job(), 1_005_000);
    expect(text).toContain('ETA — |');
    expect(text).not.toMatch(/INF|Infinity|NaN/);
  });

  it("shows the coordinator's ETA, counted down, once there is a rate", () => {
    const text = drawn(
      job({ progress: { total: 48, done: 12, queued: 34, leased: 2, failed: 0, cancelled: 0 } }),
      1_005_000,
    );
    expect(drawn(job({ ratePerMinute: 12, etaSeconds: 185 }), 1_005_000)).toContain(
      '12.0 frames/min | ETA 3 min 00 s |',
    );
    expect(text).toContain('12/48 frames');
  });
});
