import { describe, expect, it } from 'vitest';
import type { StillView, TaskView } from '../../src/api/types.js';
import {
  autoRequest,
  formatTarget,
  parseTarget,
  targetText,
} from '../../src/viewer/app/auto-policy.js';
import { showable, stillStatus, tileCells } from '../../src/viewer/app/still-layout.js';
import { timelineLanes, timelineSpan } from '../../src/viewer/app/timeline-lanes.js';

const task = (over: Partial<TaskView>): TaskView => ({
  id: 1,
  name: 'frame 7',
  stage: 'render',
  state: 'done',
  frames: [7],
  attempts: 1,
  tries: 1,
  agentId: 'a',
  node: 'node1',
  gpu: '0',
  startedAt: 1000,
  finishedAt: 2000,
  frameSeconds: {},
  files: [],
  error: null,
  errorTail: [],
  ...over,
});

const run = (
  agentId: string,
  node: string,
  startedAt: number,
  endedAt: number | null,
  outcome: string | null,
) => ({
  attempt: 1,
  agentId,
  node,
  gpu: '0',
  startedAt,
  endedAt,
  outcome,
});

describe('the per-GPU timeline', () => {
  it('draws every attempt of a task that ran more than once, the failed ones as failed', () => {
    const retried = task({
      agentId: 'b',
      node: 'node2',
      startedAt: 80_000,
      finishedAt: 90_000,
      runs: [run('a', 'node1', 8_000, 80_000, 'failed'), run('b', 'node2', 80_000, 90_000, 'done')],
    });
    const lanes = timelineLanes([retried, task({ id: 2 })], 100_000);
    const node1 = lanes.find((l) => l.key === 'node1 / GPU 0')?.bars ?? [];
    expect(node1.map((b) => [b.start, b.end, b.state, b.outcome])).toEqual([
      [8_000, 80_000, 'failed', 'failed'],
      [1000, 2000, 'done', null],
    ]);
    expect(lanes.find((l) => l.key === 'node2 / GPU 0')?.bars).toMatchObject([
      { start: 80_000, end: 90_000, state: 'done' },
    ]);
    // An attempt put back (lost agent, drain) reads as queued; one still running as leased.
    const back = timelineLanes(
      [
        task({
          state: 'leased',
          runs: [run('a', 'n', 0, 5, 'requeued'), run('b', 'n', 6, null, null)],
        }),
      ],
      50,
    );
    expect(back[0]?.bars.map((b) => [b.state, b.end])).toEqual([
      ['queued', 5],
      ['leased', 50],
    ]);
  });

  it("ends a finished job's axis at the job's end, a running job's at now", () => {
    const tasks = [
      task({ startedAt: 1000, finishedAt: 5000 }),
      task({ id: 2, state: 'leased', finishedAt: null }),
    ];
    const ended = timelineLanes(tasks, 1_000_000, 6000);
    expect(Math.max(...ended.flatMap((l) => l.bars.map((b) => b.end)))).toBe(6000);
    expect(timelineSpan(ended, 1_000_000, 6000)).toEqual({ from: 1000, to: 6000 });
    const running = timelineLanes(tasks, 9000);
    expect(timelineSpan(running, 9000, null)).toEqual({ from: 1000, to: 9000 });
  });
});

describe('autoscaling on the page', () => {
  it('reads and writes a target finish as the CLI does', () => {
    expect(parseTarget('')).toBeUndefined();
    expect(parseTarget('3m')).toBe(180);
    expect(parseTarget('1h30m')).toBe(5400);
    expect(parseTarget('90')).toBe(90);
    expect(parseTarget(' 2 min 5s ')).toBe(125);
    expect(() => parseTarget('soon')).toThrow(/write a duration such as 3m/);
    expect(formatTarget(180)).toBe('3m');
    expect(formatTarget(5400)).toBe('1h30m');
    expect(formatTarget(95)).toBe('1m35s');
    expect(formatTarget(undefined)).toBe('');
    for (const s of [45, 180, 3725]) expect(parseTarget(formatTarget(s))).toBe(s);
  });

  it('keeps the target and idle time of the policy unless the boxes change them', () => {
    const current = { min: 2, max: 6, targetFinishSeconds: 180, idleSeconds: 45 };
    expect(autoRequest(current, { min: '2', max: '8', target: formatTarget(180) })).toEqual({
      min: 2,
      max: 8,
      targetFinishSeconds: 180,
      idleSeconds: 45,
    });
    expect(autoRequest(current, { min: '1', max: '3', target: '' })).toEqual({
      min: 1,
      max: 3,
      idleSeconds: 45,
    });
    expect(() => autoRequest(null, { min: '3', max: '2', target: '' })).toThrow(/1 ≤ min ≤ max/);
  });

  it('says when a job with a target finished after it, and by how much; also while running past it', () => {
    const auto = { min: 1, max: 4, targetFinishSeconds: 180 };
    const job = { state: 'succeeded' as const, createdAt: 0, finishedAt: 233_000 };
    expect(targetText(auto, job, 999_999)).toEqual({
      text: 'Target finish 3 min 00 s missed by 53 s (finished in 3 min 53 s)',
      tone: 'error',
    });
    expect(targetText(auto, { ...job, finishedAt: 170_000 }, 0)?.tone).toBe('ok');
    const running = { state: 'running' as const, createdAt: 0, finishedAt: null };
    expect(targetText(auto, running, 200_000)).toEqual({
      text: 'Past the target finish 3 min 00 s by 20 s',
      tone: 'warn',
    });
    expect(targetText(auto, running, 60_000)?.text).toBe(
      'Target finish 3 min 00 s: 2 min 00 s left',
    );
    expect(targetText({ min: 1, max: 4 }, job, 0)).toBeNull();
    expect(targetText(null, job, 0)).toBeNull();
  });
});

describe("a tiled still's page", () => {
  const still: StillView = {
    frame: 2,
    width: 128,
    height: 72,
    file: 'output/frame_0002.png',
    mergeTaskId: 9,
    tiles: [
      {
        index: 0,
        taskId: 1,
        x: 0,
        y: 36,
        width: 64,
        height: 36,
        preview: 'tiles/frame_0002/tile_0.preview.png',
      },
      {
        index: 1,
        taskId: 2,
        x: 64,
        y: 36,
        width: 64,
        height: 36,
        preview: 'tiles/frame_0002/tile_1.preview.png',
      },
      {
        index: 2,
        taskId: 3,
        x: 0,
        y: 0,
        width: 64,
        height: 36,
        preview: 'tiles/frame_0002/tile_2.preview.png',
      },
      {
        index: 3,
        taskId: 4,
        x: 64,
        y: 0,
        width: 64,
        height: 36,
        preview: 'tiles/frame_0002/tile_3.preview.png',
      },
    ],
  };

  it('places each tile as in the image, coloured by its task, and says when the image is in', () => {
    const tasks = new Map<number, TaskView>([
      [1, task({ id: 1, state: 'done', startedAt: 0, finishedAt: 2500 })],
      [2, task({ id: 2, state: 'leased', node: 'node2', gpu: '1' })],
      [3, task({ id: 3, state: 'failed', error: 'out of memory' })],
    ]);
    const cells = tileCells(still, tasks);
    expect(cells.map((c) => [c.state, c.left, c.top, c.width, c.height])).toEqual([
      ['done', 0, 50, 50, 50],
      ['leased', 50, 50, 50, 50],
      ['failed', 0, 0, 50, 50],
      ['queued', 50, 0, 50, 50],
    ]);
    expect(cells[0]?.title).toBe('tile 1 of 4: done on node1 GPU 0, 2.5 s');
    // A done tile shows its preview, versioned by when it was done; the others none.
    expect(cells.map((c) => c.preview)).toEqual([
      { name: 'tiles/frame_0002/tile_0.preview.png', version: '2500' },
      null,
      null,
      null,
    ]);
    expect(cells[1]?.title).toBe('tile 2 of 4: rendering on node2 GPU 1');
    expect(cells[2]?.title).toMatch(/failed .*\(out of memory\)$/);
    expect(stillStatus(still, tasks)).toEqual({
      merged: false,
      text: 'Frame 2 · 128×72 · 1 of 4 tiles done, 1 failed',
    });
    tasks.set(9, task({ id: 9, state: 'done' }));
    expect(stillStatus(still, tasks)).toEqual({
      merged: true,
      text: 'Frame 2 · 128×72 · output/frame_0002.png',
    });
  });

  it('shows images a browser can draw and offers an OpenEXR as a download', () => {
    expect(showable('output/frame_0002.png')).toBe(true);
    expect(showable('output/key_1.JPG')).toBe(true);
    expect(showable('output/frame_0002.exr')).toBe(false);
    expect(showable('output/frame_0002.tif')).toBe(false);
  });
});
