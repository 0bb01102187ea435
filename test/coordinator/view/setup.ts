import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Coordinator, DEFAULT_CONFIG } from '../../../src/coordinator/core.js';
import { EventBus } from '../../../src/coordinator/events.js';
import { SqliteStore } from '../../../src/coordinator/store/sqlite-store.js';
import type { AgentRow, TaskRow } from '../../../src/coordinator/store/types.js';
import { jobSummary } from '../../../src/coordinator/views.js';
import { RecordingAllocationPort } from '../../doubles/allocation-port.js';
import { AcceptingOutputCheck } from '../../doubles/output-check.js';

/** A coordinator on a fresh SQLite file with a clock the test moves, and a Blender scene file. */
export function testCoordinator(nodes = 4) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-view-'));
  const scene = path.join(dir, 'scene.blend');
  writeFileSync(scene, 'BLENDER');
  const store = new SqliteStore(path.join(dir, 'state.db'));
  const port = new RecordingAllocationPort(nodes);
  const clock = { now: 1_000_000 };
  const outputs = new AcceptingOutputCheck();
  const bus = new EventBus((jobId) => {
    const job = store.jobs.get(jobId);
    return job
      ? { type: 'job:updated', jobId, summary: jobSummary(store, job, clock.now) }
      : undefined;
  }, 0);
  const c = new Coordinator(
    store,
    port,
    bus,
    { ...DEFAULT_CONFIG, stateDir: dir, leaseMs: 60_000, agentTimeoutMs: 600_000 },
    () => clock.now,
    { outputs },
  );
  const agent = (jobId: string, node: string, gpu: string, slurmJobId = 100): AgentRow => {
    const a = c.register(jobId, { node, gpu, slurmJobId });
    if ('exit' in a) throw new Error(a.exit);
    return a;
  };
  const lease = async (a: AgentRow): Promise<TaskRow> => {
    const r = await c.lease(a.id, 0);
    if (!('task' in r)) throw new Error(`no task for ${a.id}: ${JSON.stringify(r)}`);
    return r.task;
  };
  return { c, store, port, clock, scene, dir, outputs, agent, lease };
}
