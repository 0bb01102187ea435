import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { outageText } from '../../src/viewer/app/pace-text.js';
import type { CoordinatorHealth } from '../../src/api/types.js';
import { buildServer } from '../../src/coordinator/http/server.js';
import { testCoordinator } from './view/setup.js';

/**
 * The store's connection made read-only, as a full or read-only disk makes it: SQLite refuses
 * every write (SQLITE_READONLY) and still answers reads.
 */
function refuseWrites(h: ReturnType<typeof testCoordinator>, on: boolean): void {
  (h.store as unknown as { db: Database.Database }).db.pragma(`query_only = ${on ? 1 : 0}`);
}

describe('the coordinator when its own disk refuses writes', () => {
  it('tells agents to try again, drops nobody meanwhile or after, says so, and carries on', async () => {
    const h = testCoordinator();
    const app = await buildServer(h.c, { userToken: 'user-token' });
    const job = await h.c.submit({ kind: 'blender', scene: h.scene, frames: '1-4', nodes: 1 });
    const a = h.agent(job.id, 'node1', '0');
    const held = await h.lease(a);
    const call = (url: string, payload: unknown) =>
      app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${job.agentToken}` },
        payload: payload as Record<string, unknown>,
      });
    const health = async () =>
      (
        await app.inject({
          method: 'GET',
          url: '/api/coordinator',
          headers: { authorization: 'Bearer user-token' },
        })
      ).json<CoordinatorHealth>();

    refuseWrites(h, true);
    const r = await call(`/api/agent/tasks/${held.id}/complete`, { agentId: a.id, result: {} });
    expect(r.statusCode).toBe(503);
    expect(r.json<{ error: string }>().error).toMatch(/cannot write its state .*try again/);
    expect((await health()).writeOutage?.reason).toMatch(/readonly/);
    expect(outageText(await health())).toMatch(/^the coordinator cannot write its state since/);
    // A long outage: far past the lease and the agent timeout. The sweep judges nobody.
    for (let i = 0; i < 10; i++) {
      h.clock.now += 120_000;
      h.c.sweepTick();
    }
    refuseWrites(h, false);
    h.c.sweepTick();
    expect((await health()).writeOutage).toBeNull();
    expect(h.store.agents.get(a.id)?.state).toBe('active');
    expect(h.store.tasks.get(held.id)?.state).toBe('leased');
    expect(
      h.store.events
        .list(job.id)
        .some((e) => /could not write its state for 1200 s/.test(e.message)),
    ).toBe(true);
    // The agent's retried call now counts.
    const again = await call(`/api/agent/tasks/${held.id}/complete`, { agentId: a.id, result: {} });
    expect(again.statusCode).toBe(200);
    expect(h.store.tasks.get(held.id)?.state).toBe('done');
    await app.close();
  });
});
