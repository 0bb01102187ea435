import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeThumbnail } from '../../../src/renderers/blender/encode.js';
import { runCommand } from '../../../src/process/run.js';
import { BlenderWorker, BlenderWorkerError } from '../../../src/renderers/blender/worker.js';
import { EXPENSIVE_FRAME, makeTempDir, makeTinyScene } from './tiny-scene.js';

const PNG_MAGIC = '89504e47';
const EXR_MAGIC = '762f3101';

function magic(file: string): string {
  return readFileSync(file).subarray(0, 4).toString('hex');
}

/** A JPEG's pixels as RGB bytes, decoded by ffmpeg. */
function rgbOf(jpeg: string): Buffer {
  const args = ['-v', 'error', '-i', jpeg, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  return spawnSync('ffmpeg', args).stdout;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('BlenderWorker', () => {
  let dir: string;
  let scene: string;
  const workers: BlenderWorker[] = [];

  function startWorker(
    sceneFile: string,
    extra: Partial<ConstructorParameters<typeof BlenderWorker>[0]> = {},
  ) {
    const worker = new BlenderWorker({
      scene: sceneFile,
      threads: 1,
      readyTimeoutMs: 60_000,
      ...extra,
    });
    workers.push(worker);
    return worker;
  }

  beforeAll(async () => {
    dir = makeTempDir();
    scene = await makeTinyScene(dir);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop(2_000)));
  });

  it('renders several frames to PNG and EXR in one Blender process', async () => {
    const worker = startWorker(scene);
    const ready = await worker.start();
    const pid = worker.pid;
    expect(ready.pid).toBe(pid);
    const out = path.join(dir, 'frames');
    // Sent all at once: the worker queues them and renders one at a time.
    const results = await Promise.all([
      worker.render(1, path.join(out, 'frame_0001.png'), 'PNG'),
      worker.render(2, path.join(out, 'frame_0002.png'), 'PNG'),
      worker.render(3, path.join(out, 'frame_0003.exr'), 'OPEN_EXR'),
    ]);
    expect(worker.pid).toBe(pid);
    expect(isAlive(pid ?? -1)).toBe(true);
    expect(results.map((r) => path.basename(r.file))).toEqual([
      'frame_0001.png',
      'frame_0002.png',
      'frame_0003.exr',
    ]);
    for (const r of results) {
      expect(r.seconds).toBeGreaterThan(0);
      expect(r.device).toBe('CPU');
    }
    expect(magic(path.join(out, 'frame_0001.png'))).toBe(PNG_MAGIC);
    expect(magic(path.join(out, 'frame_0003.exr'))).toBe(EXR_MAGIC);
    await worker.stop();
    expect(isAlive(pid ?? -1)).toBe(false);
  });

  it("writes an 8-bit frame's thumbnail itself, as ffmpeg would, and leaves an EXR's to ffmpeg", async () => {
    const worker = startWorker(scene);
    await worker.start();
    const out = path.join(dir, 'thumbs');
    const thumb = path.join(out, 'frame_0001.jpg');
    const r = await worker.render(1, path.join(out, 'frame_0001.png'), 'PNG', {
      thumb: { output: thumb, width: 32 },
    });
    expect(r.thumb).toBe(thumb);
    expect(r.thumbError).toBeUndefined();
    expect(readFileSync(thumb).subarray(0, 3).toString('hex')).toBe('ffd8ff');
    const ref = path.join(out, 'ref.jpg');
    await makeThumbnail(r.file, ref, 32);
    const [ours, theirs] = [rgbOf(thumb), rgbOf(ref)];
    // 32x18 RGB, colours as ffmpeg's (no colour-space step between them), within JPEG's loss.
    expect(ours.length).toBe(32 * 18 * 3);
    expect(theirs.length).toBe(ours.length);
    const meanDiff = ours.reduce((s, v, i) => s + Math.abs(v - (theirs[i] ?? 0)), 0) / ours.length;
    expect(meanDiff).toBeLessThan(6);
    expect(readdirSync(out).filter((n) => n.startsWith('.partial-'))).toEqual([]);

    const exr = await worker.render(2, path.join(out, 'frame_0002.exr'), 'OPEN_EXR', {
      thumb: { output: path.join(out, 'frame_0002.jpg'), width: 32 },
    });
    expect(exr.thumb).toBeUndefined();
    expect(exr.thumbError).toBeUndefined();
    await worker.stop();
  });

  it('reports the scene facts and the device in its ready info', async () => {
    const ready = await startWorker(scene).start();
    expect(ready.scene).toMatchObject({
      fps: 24,
      fps_base: 1,
      frame_start: 1,
      frame_end: 30,
      resolution_x: 64,
      resolution_y: 36,
      engine: 'CYCLES',
      threads: 1,
    });
    expect(ready.device.type).toBe('CPU');
    expect(ready.denoising.was_on).toBe(false);
  });

  it('switches denoising off in a scene that has it on, says so, and still renders', async () => {
    const denoised = path.join(dir, 'denoised.blend');
    const expr =
      'import bpy; s = bpy.context.scene; s.cycles.use_denoising = True; ' +
      '[setattr(l.cycles, "use_denoising", True) for l in s.view_layers]; ' +
      `bpy.ops.wm.save_as_mainfile(filepath=${JSON.stringify(denoised)})`;
    await runCommand('blender', ['-b', '--factory-startup', scene, '--python-expr', expr]);
    const worker = startWorker(denoised);
    const ready = await worker.start();
    const asked = ['scene', 'view_layer:ViewLayer'];
    const available = ready.denoising.available ?? [];
    const has = available.includes('OPENIMAGEDENOISE');
    expect(ready.denoising).toEqual({
      was_on: true,
      disabled: has ? [] : asked,
      asked,
      denoiser: 'OPENIMAGEDENOISE',
      available,
    });
    const result = await worker.render(1, path.join(dir, 'denoised', 'frame_0001.png'));
    expect(magic(result.file)).toBe(PNG_MAGIC);
    // A job's choice: none renders without; a denoiser this Blender lacks is refused.
    expect((await worker.configure({ denoiser: 'none' })).applied).toEqual({ denoiser: 'none' });
    await worker.render(2, path.join(dir, 'denoised', 'frame_0002.png'));
    if (!has)
      await expect(worker.configure({ denoiser: 'OPENIMAGEDENOISE' })).rejects.toThrow(
        /denoiser OPENIMAGEDENOISE: this Blender was built without it/,
      );
  });

  it('fails one bad request and goes on rendering the next', async () => {
    const worker = startWorker(scene);
    await worker.start();
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, 'not a directory');
    await expect(worker.render(1, path.join(blocker, 'frame_0001.png'))).rejects.toThrow(
      /could not render frame 1: .*a-file/,
    );
    const ok = await worker.render(2, path.join(dir, 'after-error', 'frame_0002.png'));
    expect(magic(ok.file)).toBe(PNG_MAGIC);
  });

  it('rejects a scene that does not exist, quoting Blender', async () => {
    const start = startWorker(path.join(dir, 'missing.blend')).start();
    await expect(start).rejects.toBeInstanceOf(BlenderWorkerError);
    // One headline: Blender's own error first, then what failed and how it ended; no tail in it.
    await expect(start).rejects.toThrow(
      /^Error: Cannot read file .*missing\.blend.* \(Blender worker could not load .*missing\.blend: exited with code 1\)$/,
    );
  });

  it('rejects a file that is not a .blend, quoting Blender', async () => {
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'hello');
    await expect(startWorker(text).start()).rejects.toThrow(/Error: File format is not supported/);
  });

  it('rejects the pending render with the log tail when Blender dies mid-frame', async () => {
    let rendering = false;
    const worker = startWorker(scene, {
      // Killed on Blender's first progress line for the frame, so the frame is surely unfinished.
      onLine: (line) => {
        if (rendering && line.startsWith(`Fra:${EXPENSIVE_FRAME} `)) {
          rendering = false;
          process.kill(worker.pid ?? -1, 'SIGKILL');
        }
      },
    });
    await worker.start();
    rendering = true;
    const out = path.join(dir, 'killed', 'frame_0017.png');
    const err = await worker.render(EXPENSIVE_FRAME, out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlenderWorkerError);
    const e = err as BlenderWorkerError;
    // Its progress lines name no cause: the headline is how it ended, the lines are the tail's.
    expect(e.message).toBe('Blender worker killed by SIGKILL while trying to render frame 17');
    expect(e.frame).toBe(EXPENSIVE_FRAME);
    expect(e.logTail.some((l) => l.startsWith('Fra:17'))).toBe(true);
    await expect(worker.render(1, out)).rejects.toThrow(/is not running/);
  });

  it('kills the worker and rejects the frame when a frame passes its time limit', async () => {
    const worker = startWorker(scene, { frameTimeoutMs: 300 });
    await worker.start();
    const out = path.join(dir, 'slow', 'frame_0017.png');
    await expect(worker.render(EXPENSIVE_FRAME, out)).rejects.toThrow(
      /frame took longer than 300 ms while trying to render frame 17/,
    );
    expect(readdirSync(path.dirname(out))).toEqual([]); // no partial file left as a frame
  });
});
