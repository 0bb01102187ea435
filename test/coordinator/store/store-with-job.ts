import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../../src/coordinator/store/sqlite-store.js';
import type { JobRow } from '../../../src/coordinator/store/types.js';

/** A store with one running job `id` of one ready stage, `render`, of `tasks` tasks. */
export function storeWithJob(id: string, tasks: number) {
  const store = new SqliteStore(path.join(mkdtempSync(path.join(os.tmpdir(), 'ct-store-')), 'db'));
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
    priority: 50,
    owner: null,
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

export const holder = { id: 'a1', node: 'n1', gpu: '0' };
