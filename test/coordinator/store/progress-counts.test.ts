import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { SqliteStore } from '../../../src/coordinator/store/sqlite-store.js';
import type { JobRow } from '../../../src/coordinator/store/types.js';

function storeWithJob(id: string, tasks: number) {
  const store = new SqliteStore(
    path.join(mkdtempSync(path.join(os.tmpdir(), 'ct-progress-')), 'db'),
  );
  const job: JobRow = {
    id,
    seq: 1,
    kind: 'blender',
    name: id,
    state: 'running',
    spec: { kind: 'blender', scene: '/s.blend', frames: '1-4', nodes: 1 },
    dir: '/tmp/x',
    outputDir: '/tmp/x/output',
    agentToken: `t-${id}`,
    nodesWanted: 1,
    gpusPerNode: 1,
    auto: null,
    video: null,
    error: null,
    createdAt: 0,
    finishedAt: null,
  };
  store.insertJob(
    job,
    [{ name: 'render', seq: 0, state: 'ready' }],
    Array.from({ length: tasks }, (_, i) => ({
      stage: 'render',
      seq: i,
      kind: 'blender-render',
      payload: {},
      frames: [i + 1, i + 101],
    })),
  );
  return store;
}

const holder = { id: 'a1', node: 'n1', gpu: '0' };

describe("a stage's counts", () => {
  it("are counted again only after the job's tasks changed", () => {
    const store = storeWithJob('j1', 4);
    const count = vi.spyOn(store.tasks as unknown as { count: () => unknown }, 'count');
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
