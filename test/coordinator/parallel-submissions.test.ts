import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testCoordinator } from './view/setup.js';

describe('submissions at the same moment', () => {
  it('each get their own id, rows and agent token, whatever they wait on in between', async () => {
    const h = testCoordinator();
    const jobs = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        h.c.submit({ kind: 'blender', scene: h.scene, frames: `${i + 1}`, nodes: 1 }),
      ),
    );
    const ids = jobs.map((j) => j.id);
    expect(new Set(ids).size).toBe(30);
    for (const job of jobs) {
      expect(readFileSync(path.join(job.dir, 'agent.token'), 'utf8')).toBe(job.agentToken);
      expect(h.store.jobs.get(job.id)?.agentToken).toBe(job.agentToken);
      expect(h.store.tasks.list(job.id, { stage: 'render' }).tasks.map((t) => t.frames)).toEqual([
        [Number(job.id.slice(1))],
      ]);
    }
    expect(h.port.submitted.map((s) => s.jobId).sort()).toEqual([...ids].sort());
  });

  it('leave nothing behind when one fails, and never touch a directory they did not make', async () => {
    const h = testCoordinator();
    // A directory left from another database where the next job's would go: the submission
    // is refused, the directory kept as it was, and no row written.
    const stale = path.join(h.dir, 'jobs', 'j1');
    mkdirSync(stale, { recursive: true });
    await expect(
      h.c.submit({ kind: 'blender', scene: h.scene, frames: '1', nodes: 1 }),
    ).rejects.toThrow(/jobs\/j1 already exists, though no job j1 is in the coordinator's database/);
    expect(readdirSync(stale)).toEqual([]);
    expect(h.store.jobs.get('j1')).toBeUndefined();
    expect(h.port.submitted).toEqual([]);
    expect(existsSync(path.join(h.dir, 'jobs', 'j2'))).toBe(false);
  });
});
