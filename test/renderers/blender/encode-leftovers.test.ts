import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isOutputFault } from '../../../src/agent/runner.js';
import { encodeVideo } from '../../../src/renderers/blender/encode.js';
import { frameFileName } from '../../../src/renderers/blender/frames.js';
import { removePartialFiles } from '../../../src/util/fs.js';

const DOUBLE = path.resolve('test/doubles/ffmpeg');
const saved = { PATH: process.env.PATH, mode: process.env.CT_FFMPEG_DOUBLE };
afterEach(() => {
  process.env.PATH = saved.PATH;
  if (saved.mode === undefined) delete process.env.CT_FFMPEG_DOUBLE;
  else process.env.CT_FFMPEG_DOUBLE = saved.mode;
});

function framesIn(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-encode-out-'));
  for (const f of [1, 2, 3]) writeFileSync(path.join(dir, frameFileName(f, 'PNG')), 'png');
  return dir;
}

function withDouble(mode: 'hang' | 'full') {
  process.env.PATH = `${DOUBLE}:${saved.PATH ?? ''}`;
  process.env.CT_FFMPEG_DOUBLE = mode;
}

describe('what an encode leaves in the output folder', () => {
  it('while it runs, only a .partial- file the next start sweeps: nothing if it is killed', async () => {
    const dir = framesIn();
    withDouble('hang');
    const stop = new AbortController();
    const run = encodeVideo({
      framesDir: dir,
      frames: [1, 2, 3],
      fps: 24,
      output: path.join(dir, 'video.mp4'),
      signal: stop.signal,
    });
    run.catch(() => {});
    const frames = [1, 2, 3].map((f) => frameFileName(f, 'PNG'));
    for (let i = 0; i < 100 && readdirSync(dir).length === frames.length; i++)
      await new Promise((r) => setTimeout(r, 50));
    const during = readdirSync(dir).filter((n) => !frames.includes(n));
    expect(during.length).toBe(1);
    expect(during[0]).toMatch(/^\.partial-\d+-video\.mp4$/);
    // As after a SIGKILL: the job's next start sweeps what is left.
    removePartialFiles(dir);
    expect(readdirSync(dir).sort()).toEqual(frames);
    stop.abort();
    await expect(run).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(frames);
  });

  it('says a full output disk in words the agent blames on the job', async () => {
    const dir = framesIn();
    withDouble('full');
    const err = await encodeVideo({
      framesDir: dir,
      frames: [1, 2, 3],
      fps: 24,
      output: path.join(dir, 'video.mp4'),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isOutputFault(err)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});
