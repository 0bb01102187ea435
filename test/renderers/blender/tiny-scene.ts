import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packagePath } from '../../../src/paths.js';
import { runCommand } from '../../../src/process/run.js';
import { ensureSampleScene } from '../../../src/renderers/blender/sample-scene.js';

/** Expensive frames of the tiny scene (the sample scene's third block of 8). */
export const EXPENSIVE_FRAME = 17;

/** A fresh temporary directory for one test file. */
export function makeTempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'ct-blender-'));
}

/**
 * The sample scene shrunk for tests: 64×36, 1 sample on cheap frames so they render in well
 * under a second on one thread, and a very expensive frame 17 to kill mid-render.
 */
export function makeTinyScene(dir: string): Promise<string> {
  return ensureSampleScene(path.join(dir, 'tiny.blend'), {
    frames: 30,
    width: 64,
    height: 36,
    cheapSamples: 1,
    expensiveSamples: 4000,
  });
}

/**
 * The two-camera scene of scenes/make-camera-scene.py at 64×36: `CamRed` (the scene camera)
 * sees a red cube, `CamBlue` a blue one; output path `//render/shot_####`.
 */
export async function makeCameraScene(dir: string): Promise<string> {
  const file = path.join(dir, 'cameras.blend');
  await runCommand(
    'blender',
    ['-b', '--factory-startup', '-P', packagePath('scenes', 'make-camera-scene.py')].concat([
      '--',
      '--output',
      file,
    ]),
    { timeoutMs: 120_000 },
  );
  return file;
}
