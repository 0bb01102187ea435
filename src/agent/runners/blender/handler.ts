import type { LeasedTask, RunContext } from '../../runner.js';
import type { LoadedBlender } from './loaded-blender.js';

/**
 * How one Blender task kind runs: it parses the task's payload with its job type's schema, runs
 * it with the loaded Blender and returns the result.
 */
export type BlenderTaskHandler = (
  task: LeasedTask,
  ctx: RunContext,
  blender: LoadedBlender,
) => Promise<Record<string, unknown>>;
