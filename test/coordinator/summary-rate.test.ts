import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Coordinator, DEFAULT_CONFIG } from '../../src/coordinator/core.js';
import { EventBus } from '../../src/coordinator/events.js';
import { SqliteStore } from '../../src/coordinator/store/sqlite-store.js';
import { jobSummary } from '../../src/coordinator/views.js';
import { RecordingAllocationPort } from '../doubles/allocation-port.js';
import { AcceptingOutputCheck } from '../doubles/output-check.js';

describe("a job summary's rate", () => {
  it('counts the frames finished in the last five minutes and estimates the rest from them', async () => {
    let clock = 10_000_000;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-rate-'));
    const scene = path.join(dir, 'scene.blend');
    writeFileSync(scene, 'BLENDER');
    const c = new Coordinator(
      new SqliteStore(path.join(dir, 'state.db')),
      new RecordingAllocationPort(),
      new EventBus(() => undefined),
      { ...DEFAULT_CONFIG, stateDir: dir, leaseMs: 3_600_000, agentTimeoutMs: 3_600_000 },
      () => clock,
      { outputs: new AcceptingOutputCheck() },
    );
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
