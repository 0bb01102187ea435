import { beforeEach, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../src/coordinator/core.js';
import { attemptsAllowed } from '../../src/coordinator/desk/failure-policy.js';
import type { AgentRow } from '../../src/coordinator/store/types.js';
import { RecordingAllocationPort } from '../doubles/allocation-port.js';
import { inProcessCoordinator } from '../helpers/in-process-coordinator.js';

/** A job's `maxRetriesPerTask` (Deadline Cloud's setting): how often a failed task is tried again. */

let c: Coordinator;
const clock = 1_000_000;

beforeEach(() => {
  ({ c } = inProcessCoordinator({
    port: new RecordingAllocationPort(),
    config: { leaseMs: 1000, agentTimeoutMs: 5000 },
    now: () => clock,
  }));
});

const template = {
  specificationVersion: 'jobtemplate-2023-09',
  name: 'fails',
  steps: [{ name: 'Only', script: { actions: { onRun: { command: 'false' } } } }],
};

function agent(jobId: string, gpu: string): AgentRow {
  const slurmJobId = c.store.allocations.list(jobId)[0]?.slurmJobId ?? 0;
  const a = c.register(jobId, { node: 'node1', gpu, slurmJobId });
  if ('exit' in a) throw new Error(a.exit);
  return a;
}

/** Fails the job's one task on fresh agents until the job ends; the attempts it took. */
async function failUntilEnd(jobId: string): Promise<number> {
  for (let n = 1; n <= 10; n++) {
    const a = agent(jobId, String(n));
    const r = await c.lease(a.id, 0);
    if (!('task' in r)) return n - 1;
    c.fail(a.id, r.task.id, 'exited with code 1', []);
    if (c.store.jobs.get(jobId)?.state === 'failed') return n;
  }
  return -1;
}

describe('retries per task', () => {
  it('is one attempt more than the retries asked for, else the default', () => {
    expect(attemptsAllowed(undefined, 3)).toBe(3);
    expect(attemptsAllowed(0, 3)).toBe(1);
    expect(attemptsAllowed(5, 3)).toBe(6);
  });

  it('tries a failing task once when the job asks for no retries', async () => {
    const job = await c.submit({ kind: 'openjd', template, maxRetriesPerTask: 0 });
    expect(await failUntilEnd(job.id)).toBe(1);
    expect(c.store.jobs.get(job.id)?.error).toMatch(/Only failed after 1 attempt: exited/);
  });

  it('tries it 1 + N times for N retries, and the default 3 times without', async () => {
    const two = await c.submit({ kind: 'openjd', template, maxRetriesPerTask: 1 });
    expect(await failUntilEnd(two.id)).toBe(2);
    const three = await c.submit({ kind: 'openjd', template });
    expect(await failUntilEnd(three.id)).toBe(3);
  });

  it('refuses a number of retries that is not a whole number from 0 to 100', async () => {
    await expect(c.submit({ kind: 'openjd', template, maxRetriesPerTask: -1 })).rejects.toThrow(
      /maxRetriesPerTask/,
    );
    await expect(c.submit({ kind: 'openjd', template, maxRetriesPerTask: 1.5 })).rejects.toThrow(
      /maxRetriesPerTask/,
    );
  });
});
