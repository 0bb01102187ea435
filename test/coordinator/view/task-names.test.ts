import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatJobDetail } from '../../../src/cli/format/jobs.js';
import { jobDetail } from '../../../src/coordinator/views.js';
import { sceneInfo } from '../../renderers/blender/scene-fixture.js';
import { minimalTemplate } from '../../openjd/fixtures.js';
import { testCoordinator } from './setup.js';

// A task is named by what it is, in every view that names it: the API's task views (status, the
// viewer), the history, and `logs --task NAME` / `?name=` finding it again.
describe("a task's name", () => {
  it("names a tiled still's tiles by column and row, and its merge `merge`", async () => {
    const t = testCoordinator();
    const job = await t.c.submit({
      kind: 'blender-still',
      scene: t.scene,
      nodes: 1,
      tiles: '3x2',
      sceneInfo: sceneInfo(),
    });
    const names = t.c.tasks(job.id, {}).tasks.map((x) => x.name);
    expect(names).toEqual(
      expect.arrayContaining(['tile 0,0', 'tile 2,0', 'tile 0,1', 'tile 2,1', 'merge']),
    );
    expect(names).toHaveLength(7);
    expect(names.some((n) => /task \d/.test(n))).toBe(false);
    // Column 2 of row 1 in a 3-wide grid is tile index 5, as its file says: tile_r1_c2.exr.
    const tile = t.c.taskDetail(job.id, { name: 'tile 2,1' });
    expect(t.store.tasks.get(tile.id)?.payload.tiles).toEqual([5]);
    expect(t.c.taskDetail(job.id, { name: 'merge' }).stage).toBe('merge');
  });

  it('names an OpenJD task by its step and parameter values, in status and its failure', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({
      kind: 'openjd',
      nodes: 1,
      template: minimalTemplate(),
      templatePath: 'template.yaml',
      bundleDir: path.dirname(t.scene),
      parameters: { Frames: '1-3' },
    });
    expect(t.c.tasks(job.id, {}).tasks.map((x) => x.name)).toEqual([
      'Render[Frame=1]',
      'Render[Frame=2]',
      'Render[Frame=3]',
      'Encode',
    ]);
    const a = t.agent(job.id, 'node1', '0');
    const first = await t.lease(a);
    expect(t.c.taskDetail(job.id, { name: 'Render[Frame=1]' }).id).toBe(first.id);
    // `status JOB`: what each agent runs.
    const status = formatJobDetail(jobDetail(t.store, t.store.jobs.get(job.id)!));
    expect(status).toMatch(/node1 +0 +active +Render\[Frame=1\] /);
    t.c.fail(a.id, first.id, 'Error: Cannot read file (exited with code 1)', []);
    const events = t.store.events.list(job.id).map((e) => e.message);
    expect(events).toContainEqual(
      expect.stringMatching(/^Render\[Frame=1\] \(task \d+\) failed on node1 GPU 0: Error: Cannot/),
    );
  });
});
