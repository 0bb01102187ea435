import { EventBus } from '../../../src/coordinator/events.js';
import type { AgentRow, TaskRow } from '../../../src/coordinator/store/types.js';
import { jobSummary } from '../../../src/coordinator/views.js';
import { RecordingAllocationPort } from '../../doubles/allocation-port.js';
import { AcceptingOutputCheck } from '../../doubles/output-check.js';
import { inProcessCoordinator } from '../../helpers/in-process-coordinator.js';

/** A coordinator on a fresh SQLite file with a clock the test moves, and a Blender scene file. */
export function testCoordinator(nodes = 4) {
  const clock = { now: 1_000_000 };
  const outputs = new AcceptingOutputCheck();
  const { c, dir, scene, store, port } = inProcessCoordinator({
    prefix: 'ct-view-',
    port: new RecordingAllocationPort(nodes),
    config: { leaseMs: 60_000, agentTimeoutMs: 600_000 },
    now: () => clock.now,
    io: { outputs },
    bus: (store) =>
      new EventBus((jobId) => {
        const job = store.jobs.get(jobId);
        return job
          ? { type: 'job:updated', jobId, summary: jobSummary(store, job, clock.now) }
          : undefined;
      }, 0),
  });
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
