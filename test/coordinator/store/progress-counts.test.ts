import { describe, expect, it, vi } from 'vitest';
import { holder, storeWithJob } from './store-with-job.js';

describe("a stage's counts", () => {
  it("are counted again only after the job's tasks changed", () => {
    const store = storeWithJob('j1', 4);
    const counts = (store.tasks as unknown as { counts: { count: () => unknown } }).counts;
    const count = vi.spyOn(counts, 'count');
    expect(store.tasks.progress('j1', 'render').frames).toMatchObject({ total: 8, queued: 8 });
    store.tasks.progress('j1', 'render');
    expect(count).toHaveBeenCalledTimes(1);
    const t = store.tasks.leaseNext('j1', 'render', holder, 1, 1000);
    expect(store.tasks.progress('j1', 'render').tasks).toMatchObject({ leased: 1, queued: 3 });
    store.tasks.complete(t?.id ?? 0, holder, {}, 2);
    expect(store.tasks.progress('j1', 'render').tasks).toMatchObject({ done: 1, queued: 3 });
    expect(count).toHaveBeenCalledTimes(3);
  });

  it('are not kept from inside a transaction that was rolled back', () => {
    const store = storeWithJob('j1', 2);
    expect(() =>
      store.transaction(() => {
        store.tasks.leaseNext('j1', 'render', holder, 1, 1000);
        expect(store.tasks.progress('j1', 'render').tasks.leased).toBe(1);
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(store.tasks.progress('j1', 'render').tasks).toMatchObject({ leased: 0, queued: 2 });
  });

  it('handed out may be changed by the caller without changing the next count', () => {
    const store = storeWithJob('j1', 2);
    store.tasks.progress('j1', 'render').tasks.done = 99;
    expect(store.tasks.progress('j1', 'render').tasks.done).toBe(0);
  });
});
