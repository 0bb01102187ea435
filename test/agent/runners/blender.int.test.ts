import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEarly } from '../../../src/agent/early-start.js';
import type { LeasedTask, RunContext } from '../../../src/agent/runner.js';
import { BlenderRunner } from '../../../src/agent/runners/blender/runner.js';
import { wholeFrames } from '../../../src/renderers/blender/resume.js';
import { readPng } from '../../renderers/blender/png-read.js';
import { makeTempDir, makeTinyScene } from '../../renderers/blender/tiny-scene.js';

describe('BlenderRunner', () => {
  let dir: string;
  let scene: string;
  const runner = new BlenderRunner({ threads: 1 });
  const ctx: RunContext = { gpu: '', signal: new AbortController().signal, log: () => {} };
  let nextId = 1;

  function task(kind: string, payload: Record<string, unknown>, frames: number[] = []): LeasedTask {
    return { id: nextId++, kind, stage: 'render', frames, payload, jobDir: dir };
  }

  beforeAll(async () => {
    dir = makeTempDir();
    scene = await makeTinyScene(dir);
  });

  afterAll(() => runner.close());

  it('loads the scene during a warm-up, and the first task renders in that same Blender', async () => {
    const warm = new BlenderRunner({ threads: 1 });
    const lines: string[] = [];
    const logged: RunContext = { ...ctx, log: (l) => lines.push(l) };
    try {
      const warming = warm.warmUp('blender-render', { scene }, logged);
      const out = path.join(dir, 'warm');
      // The first task arrives while Blender is still starting: it waits for that one.
      const r = await warm.run(
        task('blender-render', { scene, outputDir: out, format: 'PNG' }, [1]),
        logged,
      );
      await warming;
      expect(r.frames).toMatchObject({ '1': { file: 'output/frame_0001.png' } });
      expect(lines.filter((l) => l.startsWith('blender ready'))).toHaveLength(1);
    } finally {
      await warm.close();
    }
  });

  it('takes over the Blender the agent started before it had loaded, and starts no other', async () => {
    const lines: string[] = [];
    const logged: RunContext = { ...ctx, log: (l) => lines.push(l) };
    const env = { CT_WARM_UP: JSON.stringify({ kind: 'blender-render', payload: { scene } }) };
    const early = startEarly(env, { gpu: '', threads: 1, log: (l) => lines.push(l) });
    const pid = early?.blender?.child.pid;
    expect(pid).toBeDefined();
    const warm = new BlenderRunner({ threads: 1, early: early?.blender });
    try {
      await warm.warmUp('blender-render', { scene }, logged);
      const out = path.join(dir, 'early');
      const r = await warm.run(
        task('blender-render', { scene, outputDir: out, format: 'PNG' }, [1]),
        logged,
      );
      expect(r.frames).toMatchObject({ '1': { file: 'output/frame_0001.png' } });
      const ready = lines.filter((l) => l.startsWith('blender ready'));
      expect(ready).toHaveLength(1);
      expect(ready[0]).toContain(`pid ${pid}`);
    } finally {
      await warm.close();
    }
  });

  it('stops an early Blender that no task took', async () => {
    const env = { CT_WARM_UP: JSON.stringify({ kind: 'blender-render', payload: { scene } }) };
    const early = startEarly(env, { gpu: '', threads: 1, log: () => {} })?.blender;
    if (!early) throw new Error('no early Blender started');
    const exited = once(early.child, 'exit');
    await new BlenderRunner({ threads: 1, early }).close();
    await exited;
    expect(early.child.signalCode ?? early.child.exitCode).not.toBeNull();
  });

  it('says why an early Blender could not load its scene, and the first task starts afresh', async () => {
    const missing = path.join(dir, 'missing.blend');
    const env = {
      CT_WARM_UP: JSON.stringify({ kind: 'blender-render', payload: { scene: missing } }),
    };
    const early = startEarly(env, { gpu: '', threads: 1, log: () => {} })?.blender;
    const warm = new BlenderRunner({ threads: 1, early });
    try {
      await expect(warm.warmUp('blender-render', { scene: missing }, ctx)).rejects.toThrow(
        /could not load .*missing\.blend/,
      );
      const r = await warm.run(
        task('blender-render', { scene, outputDir: path.join(dir, 'afresh'), format: 'PNG' }, [1]),
        ctx,
      );
      expect(r.frames).toMatchObject({ '1': { file: 'output/frame_0001.png' } });
    } finally {
      await warm.close();
    }
  });

  it('renders frames to the files the plan named, with the job overrides, then without them', async () => {
    const out = path.join(dir, 'out');
    const files = {
      '1': path.join(out, 'render/shot_0001.jpg'),
      '2': path.join(out, 'render/shot_0002.jpg'),
    };
    const overrides = { resolutionPercentage: 50, format: 'JPEG' };
    const r = await runner.run(
      task('blender-render', { scene, outputDir: out, format: 'JPEG', overrides, files }, [1, 2]),
      ctx,
    );
    // Named as the files route serves them: under the output root, `output/…`.
    expect(r.frames).toMatchObject({
      '1': { file: 'output/render/shot_0001.jpg', thumb: 'thumbs/frame_0001.jpg' },
      '2': { thumb: 'thumbs/frame_0002.jpg' },
    });
    expect(r.applied).toEqual({ resolution_percentage: 50, format: 'JPEG' });
    // Written before the task is reported: the viewer never asks for one that is not there yet.
    expect(existsSync(path.join(dir, 'thumbs', 'frame_0001.jpg'))).toBe(true);
    expect(existsSync(path.join(dir, 'thumbs', 'frame_0002.jpg'))).toBe(true);
    const scan = await wholeFrames(out, ['render/shot_0001.jpg', 'render/shot_0002.jpg'], 'JPEG', {
      size: [32, 18],
    });
    expect(scan.whole).toHaveLength(2);
    const next = await runner.run(
      task('blender-render', { scene, outputDir: out, format: 'PNG' }, [3]),
      ctx,
    );
    expect(next.frames).toMatchObject({ '3': { file: 'output/frame_0003.png' } });
    const png = readPng(path.join(out, 'frame_0003.png'));
    expect([png.width, png.height]).toEqual([64, 36]);
  });

  it('renders the tiles of a still in two tasks and merges them into one image', async () => {
    const geometry = { scene, frame: 4, width: 64, height: 36, columns: 2, rows: 2, overlap: 8 };
    const still = { ...geometry, tilesDir: path.join(dir, 'tiles') };
    const a = await runner.run(task('blender-tile', { ...still, tiles: [0, 1] }), ctx);
    await runner.run(task('blender-tile', { ...still, tiles: [2, 3] }), ctx);
    expect(a.tiles).toMatchObject([
      {
        index: 0,
        row: 0,
        column: 0,
        core: { x0: 0, y0: 0 },
        file: 'tiles/frame_0004/tile_r0_c0.exr',
      },
      { index: 1, row: 0, column: 1 },
    ]);
    const output = path.join(dir, 'still', 'frame_0004.png');
    const m = await runner.run(
      task('blender-merge', { ...still, output, outputDir: path.join(dir, 'still') }),
      ctx,
    );
    expect(m.still).toMatchObject({ file: 'output/frame_0004.png', size: [64, 36] });
    const png = readPng(output);
    expect([png.width, png.height]).toEqual([64, 36]);
  });

  it('fails a tile task planned for another size than the scene renders', async () => {
    const payload = { scene, frame: 4, width: 100, height: 36, columns: 2, rows: 2, overlap: 8 };
    await expect(
      runner.run(
        task('blender-tile', { ...payload, tilesDir: path.join(dir, 't2'), tiles: [0] }),
        ctx,
      ),
    ).rejects.toThrow('the scene renders 64×36 here, but the tiles were planned for 100×36');
  });

  it('fails a task whose payload is malformed, naming the field', async () => {
    await expect(runner.run(task('blender-merge', { scene, frame: 4 }), ctx)).rejects.toThrow(
      /\(blender-merge\): payload width/,
    );
  });
});
