import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SubmitRequest } from '../../src/api/types.js';
import { testCoordinator } from './view/setup.js';

/** A coordinator and a render request into an `--output` folder of its own. */
function setup() {
  const h = testCoordinator();
  const out = path.join(h.dir, 'out');
  mkdirSync(out);
  const req = (extra: Record<string, unknown> = {}) =>
    ({
      kind: 'blender',
      scene: h.scene,
      frames: '1-2',
      nodes: 1,
      outputDir: out,
      ...extra,
    }) as SubmitRequest;
  const events = (jobId: string) => h.store.events.list(jobId).map((e) => e.type);
  return { h, out, req, events };
}

describe('a submission into an output folder', () => {
  it('lets one of two submissions at the same moment have it; the other is refused and leaves nothing', async () => {
    const { h, out, req } = setup();
    const results = await Promise.allSettled([h.c.submit(req()), h.c.submit(req())]);
    const taken = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    expect(taken).toHaveLength(1);
    expect(refused.map((e) => e.message)).toEqual([
      expect.stringMatching(
        new RegExp(`^output: job j\\d+ is still rendering into ${out}; wait for it, cancel it`),
      ),
    ]);
    expect(h.store.jobs.list()).toHaveLength(1);
    expect(h.port.submitted).toHaveLength(1);
  });

  it('skips what its own scan finds whole, whatever the client says is there', async () => {
    const { h, out, req, events } = setup();
    // Not a PNG: the scan finds it broken, so it is rendered again though the client says not.
    writeFileSync(path.join(out, 'frame_0001.png'), 'a frame');
    const job = await h.c.submit(req({ present: [1, 2] }));
    expect(h.store.tasks.list(job.id, { stage: 'render' }).tasks.flatMap((t) => t.frames)).toEqual([
      1, 2,
    ]);
    expect(events(job.id)).toContain('render:not-whole');
    expect(events(job.id)).not.toContain('render:skipped');
  });

  it('removes the partial files killed renders left when submitting, never in a preview', async () => {
    const { h, out, req, events } = setup();
    const partial = path.join(out, '.partial-frame_0001.png');
    writeFileSync(partial, 'half');
    const preview = await h.c.preview(req());
    expect(preview.events.map((e) => e.type)).not.toContain('render:partials-removed');
    expect(existsSync(partial)).toBe(true);
    const job = await h.c.submit(req());
    expect(existsSync(partial)).toBe(false);
    expect(events(job.id)).toContain('render:partials-removed');
  });

  it('previews the refusal a submission would meet', async () => {
    const { h, req } = setup();
    await h.c.submit(req());
    await expect(h.c.preview(req())).rejects.toThrow(/^output: job j1 is still rendering into/);
  });
});
