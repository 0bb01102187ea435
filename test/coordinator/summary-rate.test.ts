import { describe, expect, it } from 'vitest';
import { jobSummary } from '../../src/coordinator/views.js';
import { AcceptingOutputCheck } from '../doubles/output-check.js';
import { inProcessCoordinator } from '../helpers/in-process-coordinator.js';

describe("a job summary's rate", () => {
  it('counts the frames finished in the last five minutes and estimates the rest from them', async () => {
    let clock = 10_000_000;
    const { c, scene } = inProcessCoordinator({
      config: { leaseMs: 3_600_000, agentTimeoutMs: 3_600_000 },
      now: () => clock,
      io: { outputs: new AcceptingOutputCheck() },
    });
    const job = await c.submit({ kind: 'blender', scene, frames: '1-40', nodes: 1, chunk: 2 });
    const a = c.register(job.id, { node: 'node1', gpu: '0', slurmJobId: 100 });
    if ('exit' in a) throw new Error(a.exit);
    // Two chunks (4 frames) long ago, then four chunks (8 frames) over the last two minutes.
    for (const at of [
      clock,
      clock + 60_000,
      clock + 600_000,
      clock + 630_000,
      clock + 660_000,
      clock + 690_000,
    ]) {
      clock = at;
      const l = await c.lease(a.id, 0);
      if (!('task' in l)) throw new Error('no task');
      clock += 30_000;
      expect(await c.complete(a.id, l.task.id, {})).toBe(true);
    }
    const s = jobSummary(c.store, c.requireJob(job.id), clock);
    // 8 frames since the first of them started, 2 minutes ago.
    expect(s.progress.done).toBe(12);
    expect(s.ratePerMinute).toBe(4);
    expect(s.etaSeconds).toBe(Math.round((28 / 4) * 60));
  });
});
