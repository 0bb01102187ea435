import path from 'node:path';
import type { FileProbe } from '../../util/file-probe.js';
import type { PlenoxelsTask } from './types.js';

/** opt.py's default `--max_grid_elements`, which its help text says is sized for 22 GB. */
export const DEFAULT_MAX_GRID_ELEMENTS = 44_000_000;
const DEFAULT_SIZED_FOR_GIB = 22;

/**
 * A cap that fits `gpuMemoryGiB`: the default scaled by memory, with 10% headroom, rounded
 * down to a million (16 GB gives 28,000,000).
 */
export function maxGridElementsFor(gpuMemoryGiB: number): number {
  const scaled = (DEFAULT_MAX_GRID_ELEMENTS * gpuMemoryGiB * 0.9) / DEFAULT_SIZED_FOR_GIB;
  return Math.min(DEFAULT_MAX_GRID_ELEMENTS, Math.floor(scaled / 1e6) * 1e6);
}

// argparse accepts any unambiguous prefix (opt.py has no other --max option) and --opt=value
function setsCap(argv: readonly string[]): boolean {
  return argv.some((w) => {
    const name = w.split('=')[0] ?? '';
    return name.length >= 5 && '--max_grid_elements'.startsWith(name);
  });
}

/** Whether an svox2 JSON config (path relative to svox2's opt/ dir) sets max_grid_elements. */
export function configSetsMaxGridElements(
  optDir: string,
  config: string,
  files: Pick<FileProbe, 'isFile' | 'readText'>,
): boolean {
  if (config === '') return false;
  const file = path.resolve(optDir, config);
  if (!files.isFile(file)) return false;
  try {
    const parsed = JSON.parse(files.readText(file)) as unknown;
    return typeof parsed === 'object' && parsed !== null && 'max_grid_elements' in parsed;
  } catch {
    return false;
  }
}

/**
 * A warning when `task` would train with opt.py's default grid cap on a GPU with less memory
 * than that default assumes (a p3.8xlarge V100 has 16 GB); null when it is fine.
 */
export function gridMemoryWarning(
  task: PlenoxelsTask,
  opts: { gpuMemoryGiB: number; configSetsCap?: boolean },
): string | null {
  if (opts.gpuMemoryGiB >= DEFAULT_SIZED_FOR_GIB || opts.configSetsCap) return null;
  const train = task.steps.find((s) => s.name === 'train');
  if (!train || setsCap(train.argv)) return null;
  const cap = maxGridElementsFor(opts.gpuMemoryGiB);
  return (
    `task ${task.id}: opt.py's default --max_grid_elements ${DEFAULT_MAX_GRID_ELEMENTS} assumes about ` +
    `${DEFAULT_SIZED_FOR_GIB} GB but the GPU has ${opts.gpuMemoryGiB} GB; it may run out of memory when ` +
    `it upsamples. Add "--max_grid_elements", "${cap}" to base_flags, or let the preset set the cap.`
  );
}

/** A copy of `task` whose train step passes `--max_grid_elements cap`, unless it already sets one. */
export function withGridCap(task: PlenoxelsTask, cap: number): PlenoxelsTask {
  return {
    ...task,
    steps: task.steps.map((s) =>
      s.name === 'train' && !setsCap(s.argv)
        ? { ...s, argv: [...s.argv, '--max_grid_elements', String(cap)] }
        : s,
    ),
  };
}
