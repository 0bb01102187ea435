import { describe, expect, it } from 'vitest';
import { JobChanges } from '../../../src/coordinator/store/tables/tasks/changes.js';
import { holder, storeWithJob } from './store-with-job.js';

const other = { id: 'a2', node: 'n1', gpu: '1' };
const failure = (blame: 'agent' | 'job', notBefore: number | null, maxAttempts = 3) => ({
  error: 'GPU fault',
  tail: [],
  maxAttempts,
  now: 5,
  blame,
  notBefore,
});

describe('the agents that failed a task', () => {
  it('are not leased it again, unless every agent left failed it and its pause is over', () => {
    const store = storeWithJob('j1', 2);
    const lease = (agent = holder, now = 10, allowExcluded = false) =>
      store.tasks.leaseNext('j1', 'render', agent, now, 1000, allowExcluded);
    const first = lease();
    expect(store.tasks.fail(first!.id, holder.id, failure('agent', 50))).toBe('queued');
    expect(store.tasks.get(first!.id)?.excludedAgents).toEqual(['a1']);
    expect(lease()?.seq).toBe(1);
    expect(lease()).toBeNull();
    expect(store.tasks.strandedFor('j1', 'render', ['a1'])).toEqual([
      { id: first!.id, notBefore: 50 },
    ]);
    expect(store.tasks.strandedFor('j1', 'render', ['a1', 'a2'])).toEqual([]);
    expect(lease(holder, 49, true)).toBeNull();
    expect(lease(holder, 50, true)?.id).toBe(first!.id);
    expect(store.tasks.fail(first!.id, holder.id, failure('agent', null))).toBe('queued');
    expect(lease(other)?.id).toBe(first!.id);
    expect(store.tasks.fail(first!.id, other.id, failure('agent', null))).toBe('failed');
    expect(store.tasks.get(first!.id)?.excludedAgents).toEqual(['a1', 'a2']);
  });

  it('are none when the job is to blame', () => {
    const store = storeWithJob('j1', 1);
    const t = store.tasks.leaseNext('j1', 'render', holder, 10, 1000);
    expect(store.tasks.fail(t!.id, holder.id, failure('job', 20))).toBe('queued');
    expect(store.tasks.get(t!.id)?.excludedAgents).toEqual([]);
    expect(store.tasks.strandedFor('j1', 'render', ['a1'])).toEqual([]);
    expect(store.tasks.leaseNext('j1', 'render', holder, 10, 1000)?.id).toBe(t!.id);
  });

  it('are forgotten when the task is retried', () => {
    const store = storeWithJob('j1', 1);
    const t = store.tasks.leaseNext('j1', 'render', holder, 10, 1000);
    expect(store.tasks.fail(t!.id, holder.id, failure('agent', null, 1))).toBe('failed');
    expect(store.tasks.reopen('j1', [t!.id])).toBe(1);
    expect(store.tasks.get(t!.id)?.excludedAgents).toEqual([]);
    expect(store.tasks.leaseNext('j1', 'render', holder, 10, 1000)?.id).toBe(t!.id);
  });
});

describe("a job's change count", () => {
  it('counts the writes to each job apart', () => {
    const changes = new JobChanges();
    expect(changes.of('j1')).toBe(0);
    changes.bump('j1');
    changes.bump('j1');
    changes.bump('j2');
    expect([changes.of('j1'), changes.of('j2'), changes.of('j3')]).toEqual([2, 1, 0]);
  });
});
