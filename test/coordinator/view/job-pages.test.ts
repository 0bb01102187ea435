import { describe, expect, it } from 'vitest';
import type { CoordinatorEvent, TaskView } from '../../../src/api/types.js';
import { EventBus } from '../../../src/coordinator/events.js';
import { followJob } from '../../../src/coordinator/view/job-stream.js';
import { jobDetail } from '../../../src/coordinator/views.js';
import { sceneInfo } from '../../renderers/blender/scene-fixture.js';
import { testCoordinator } from './setup.js';

// What a job's page needs beyond its tasks' last state: every attempt of a task that ran more
// than once (the per-GPU timeline), and a tiled still's grid (the still's panel).

const commands = (ids: string[]) =>
  ids.map((id) => JSON.stringify({ id, argv: ['true'] })).join('\n') + '\n';

describe("a job's stream", () => {
  it('carries every attempt of a task that ran more than once, in the snapshot and as it changes', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'command', nodes: 1, tasks: commands(['p', 'q']) });
    const bus = new EventBus(() => undefined, 0);
    const sent: CoordinatorEvent[] = [];
    const off = followJob(t.store, bus, job.id, (e) => sent.push(e));
    const a = t.agent(job.id, 'node1', '0');
    const b = t.agent(job.id, 'node2', '0');
    const p = await t.lease(a);
    t.clock.now += 72_000;
    t.c.fail(a.id, p.id, 'Blender crashed', []);
    const again = await t.lease(b);
    expect(again.id).toBe(p.id);
    t.clock.now += 10_000;
    await t.c.complete(b.id, p.id, {});
    const row = t.store.tasks.get(p.id);
    if (!row) throw new Error('no task');
    bus.emit({ type: 'task:updated', jobId: job.id, task: { id: p.id } as TaskView });
    const updated = sent.at(-1);
    if (updated?.type !== 'task:updated') throw new Error('no task update sent');
    const runs = [
      { agentId: a.id, node: 'node1', outcome: 'failed', endedAt: 1_072_000 },
      { agentId: b.id, node: 'node2', outcome: 'done', endedAt: 1_082_000 },
    ];
    expect(updated.task.runs).toMatchObject(runs);
    expect(updated.task.runs?.[0]).not.toHaveProperty('error');
    off();

    const again2: CoordinatorEvent[] = [];
    followJob(t.store, bus, job.id, (e) => again2.push(e))();
    const snapshot = again2[0];
    if (snapshot?.type !== 'job:snapshot') throw new Error('no snapshot');
    expect(snapshot.tasks.find((x) => x.id === p.id)?.runs).toMatchObject(runs);
    // A task that ran once (or not yet) is its own run: nothing more is sent.
    expect(snapshot.tasks.find((x) => x.id !== p.id)).not.toHaveProperty('runs');
  });
});

describe("a tiled still's view", () => {
  it('places each tile in the image (y down) with its task, and names the merged file', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({
      kind: 'blender-still',
      scene: t.scene,
      nodes: 1,
      tiles: '2x2',
      frame: 3,
      sceneInfo: sceneInfo(),
    });
    const row = t.store.jobs.get(job.id);
    if (!row) throw new Error('no job');
    const d = jobDetail(t.store, row);
    expect(d.presentation.panels).toContain('still');
    const tasks = t.store.tasks.list(job.id).tasks;
    const tile = (i: number) => tasks.find((x) => x.stage === 'tiles' && x.seq === i)?.id;
    // Each tile's PNG preview beside its EXR, by its name in the job's directory.
    const preview = (r: number, c: number) => `tiles/frame_0003/tile_r${r}_c${c}.preview.png`;
    expect(d.still).toEqual({
      frame: 3,
      width: 64,
      height: 36,
      file: 'output/render/shot_0003.png',
      mergeTaskId: tasks.find((x) => x.stage === 'merge')?.id,
      // Tile 0 is the bottom-left one (Blender counts rows up); a page draws from the top.
      tiles: [
        { index: 0, taskId: tile(0), x: 0, y: 18, width: 32, height: 18, preview: preview(0, 0) },
        { index: 1, taskId: tile(1), x: 32, y: 18, width: 32, height: 18, preview: preview(0, 1) },
        { index: 2, taskId: tile(2), x: 0, y: 0, width: 32, height: 18, preview: preview(1, 0) },
        { index: 3, taskId: tile(3), x: 32, y: 0, width: 32, height: 18, preview: preview(1, 1) },
      ],
    });
    const render = await t.c.submit({ kind: 'command', nodes: 1, tasks: commands(['x']) });
    const other = t.store.jobs.get(render.id);
    if (!other) throw new Error('no job');
    expect(jobDetail(t.store, other)).not.toHaveProperty('still');
  });
});
