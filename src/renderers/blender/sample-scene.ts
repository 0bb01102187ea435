import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { packagePath } from '../../paths.js';
import { runCommand } from '../../process/run.js';

/** Shape of the sample scene; the defaults are those of scenes/README.md. */
export interface SampleSceneOptions {
  /** Default 48. */
  frames?: number;
  /** Default 320 × 180. */
  width?: number;
  height?: number;
  /** Cycles samples on cheap frames (default 4) and on the expensive ones (default 64). */
  cheapSamples?: number;
  expensiveSamples?: number;
  /** Blender binary; default `blender`. */
  blender?: string;
}

/** Default location of the sample scene: scenes/sample.blend in the package. */
export function defaultSampleScenePath(): string {
  return packagePath('scenes', 'sample.blend');
}

/**
 * Returns the path of the sample scene, building it with scenes/make-sample-scene.py when it is
 * missing. `output` is a .blend path, or a directory to hold `sample.blend`; default
 * scenes/sample.blend. An existing file is kept as it is, whatever the options.
 */
export async function ensureSampleScene(
  output: string = defaultSampleScenePath(),
  opts: SampleSceneOptions = {},
): Promise<string> {
  const file = path.resolve(output.endsWith('.blend') ? output : path.join(output, 'sample.blend'));
  if (existsSync(file)) return file;
  await mkdir(path.dirname(file), { recursive: true });
  // Built under another name and renamed, so a concurrent caller never opens a half-written file.
  const partial = `${file}.${process.pid}.partial.blend`;
  const args = ['-b', '--factory-startup', '-P', packagePath('scenes', 'make-sample-scene.py')];
  args.push('--', '--output', partial);
  args.push('--frames', String(opts.frames ?? 48));
  args.push('--width', String(opts.width ?? 320), '--height', String(opts.height ?? 180));
  args.push('--cheap-samples', String(opts.cheapSamples ?? 4));
  args.push('--expensive-samples', String(opts.expensiveSamples ?? 64));
  try {
    await runCommand(opts.blender ?? 'blender', args, {
      timeoutMs: 120_000,
      missingHint: 'Install Blender (apt-get install blender).',
    });
    if (!existsSync(partial)) throw new Error(`make-sample-scene.py wrote no ${partial}`);
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
  return file;
}
