import { beforeEach, describe, expect, it, vi } from 'vitest';
import { LONG_POLL_SPREAD, longPollMs } from '../../src/coordinator/desk/long-poll.js';
import { Coordinator } from '../../src/coordinator/core.js';
import type { AgentRow, JobRow } from '../../src/coordinator/store/types.js';
import { RecordingAllocationPort } from '../doubles/allocation-port.js';
import { AcceptingOutputCheck } from '../doubles/output-check.js';
import { inProcessCoordinator } from '../helpers/in-process-coordinator.js';

// Long-poll wake-ups at scale: new work wakes as many waiting agents as there are tasks.

let clock = 1_000_000;
let c: Coordinator;
let scene: string;

beforeEach(() => {
  ({ c, scene } = inProcessCoordinator({
    port: new RecordingAllocationPort(16),
    config: { leaseMs: 1000, agentTimeoutMs: 60_000 },
    now: () => clock,
    io: { outputs: new AcceptingOutputCheck() },
  }));
});

function agents(job: JobRow, n: number): AgentRow[] {
  return Array.from({ length: n }, (_, i) => {
    const a = c.register(job.id, {
      node: `node${Math.floor(i / 4) + 1}`,
      gpu: String(i % 4),
      slurmJobId: 100,
    });
    if ('exit' in a) throw new Error(a.exit);
    return a;
  });
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('waking agents that wait for work', () => {
  it('wakes one of twenty waiting agents when one task goes back to the queue, not all of them', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-2', nodes: 4, chunk: 1 });
    const [busy, other, ...idle] = agents(job, 22);
    const t1 = await c.lease(busy!.id, 0);
    await c.lease(other!.id, 0);
    if (!('task' in t1)) throw new Error('no task');
    const polls = idle.map((a) => c.lease(a.id, 5_000));
    await settle();
    expect(c.waiters.waiting(job.id)).toBe(20);

    const leaseNext = vi.spyOn(c.store.tasks, 'leaseNext');
    c.fail(busy!.id, t1.task.id, 'GPU fell off the bus', []);
    const first = await Promise.race(polls);
    expect('task' in first && first.task.id).toBe(t1.task.id);
    await settle();
    // The woken agent looked once; the nineteen others never looked.
    expect(leaseNext).toHaveBeenCalledTimes(1);
    expect(c.waiters.waiting(job.id)).toBe(19);
    c.cancel(job.id);
    await Promise.all(polls);
  });

  it('passes a task on to the next waiting agent when the one woken has failed it before', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1', nodes: 4, chunk: 1 });
    const [a, b, d] = agents(job, 3);
    const first = await c.lease(a!.id, 0);
    if (!('task' in first)) throw new Error('no task');
    const dPoll = c.lease(d!.id, 5_000);
    await settle();
    // a fails the frame; d (waiting) takes it; then a and b wait, a first.
    c.fail(a!.id, first.task.id, 'out of memory', []);
    const dGot = await dPoll;
    expect('task' in dGot && dGot.task.id).toBe(first.task.id);
    const aPoll = c.lease(a!.id, 5_000);
    await settle();
    const bPoll = c.lease(b!.id, 5_000);
    await settle();
    expect(c.waiters.waiting(job.id)).toBe(2);

    // d's lease runs out: the task is offered to a, which may not take it and passes it to b.
    clock += 2_000;
    c.sweep();
    const bGot = await bPoll;
    expect('task' in bGot && bGot.task.id).toBe(first.task.id);
    expect(c.waiters.waiting(job.id)).toBe(1);
    c.cancel(job.id);
    expect('exit' in (await aPoll)).toBe(true);
  });

  it('wakes every waiting agent when the job ends, so that each is told to exit', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1', nodes: 4, chunk: 1 });
    const [holder, ...idle] = agents(job, 9);
    await c.lease(holder!.id, 0);
    const polls = idle.map((a) => c.lease(a.id, 5_000));
    await settle();
    c.cancel(job.id);
    const replies = await Promise.all(polls);
    expect(replies.every((r) => 'exit' in r)).toBe(true);
  });

  it('ends long-polls started together at different moments, so the agents do not all ask again at once', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1', nodes: 4, chunk: 1 });
    const [holder, ...idle] = agents(job, 41);
    await c.lease(holder!.id, 0);
    const t0 = performance.now();
    const ended = await Promise.all(
      idle.map((a) => c.lease(a.id, 1_000).then(() => performance.now() - t0)),
    );
    // Each ends within the last fifth of the wait it asked for (timers fire a little late).
    expect(Math.min(...ended)).toBeGreaterThanOrEqual(1_000 * (1 - LONG_POLL_SPREAD) - 5);
    expect(Math.max(...ended)).toBeLessThan(1_000 + 150);
    // Forty uniform draws over 200 ms span at least half of it but for odds of about 1e-10.
    expect(Math.max(...ended) - Math.min(...ended)).toBeGreaterThan(100);
  });

  it('bounds a long-poll by the wait asked for, at most 10 s, less up to a fifth', () => {
    expect(longPollMs(5_000, 0)).toBe(5_000);
    expect(longPollMs(5_000, 0.5)).toBe(4_500);
    expect(longPollMs(60_000, 0)).toBe(10_000);
    expect(longPollMs(-1, 0.3)).toBe(0);
  });
});
