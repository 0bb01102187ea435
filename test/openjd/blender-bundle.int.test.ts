import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { loadTemplate, resolveJobParameters } from '../../src/openjd/index.js';
import { makeTempDir, makeTinyScene } from '../renderers/blender/tiny-scene.js';
import { runJobLocally } from './helpers/run-local.js';

const BUNDLE = path.resolve(import.meta.dirname, '../../examples/openjd/blender-render');

it('the Blender job bundle renders its frames with the real Blender and encodes them into a video', async () => {
  const dir = makeTempDir();
  const scene = await makeTinyScene(dir);
  const loaded = loadTemplate(BUNDLE);
  expect(loaded.errors).toEqual([]);
  const out = path.join(dir, 'out');
  const r = resolveJobParameters(
    loaded.template!,
    { ...loaded.parameterValues, SceneFile: scene, OutputDir: out, Frames: '2-6:2' },
    { relativePathsFrom: loaded.bundleDir },
  );
  expect(r.errors).toEqual([]);
  const run = runJobLocally(loaded.template!, r.values, { sessionRoot: dir });
  expect(run.tasks).toEqual({ Render: 3, Encode: 1 });
  for (const f of ['frame_0002.png', 'frame_0004.png', 'frame_0006.png'])
    expect(existsSync(path.join(out, f))).toBe(true);
  const frames = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=nb_read_frames',
      '-of',
      'csv=p=0',
      path.join(out, 'video.mp4'),
    ],
    { encoding: 'utf8' },
  );
  expect(Number(frames.trim())).toBe(3);
  expect(run.events.Encode).toContainEqual({ kind: 'status', message: 'encoding 3 frames' });
}, 300_000);
