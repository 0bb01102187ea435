import type { BlenderProcess } from '../renderers/blender/worker-process.js';
import { LazyRunner } from './lazy-runner.js';
import { BLENDER_KINDS } from './runners/blender-kinds.js';

/**
 * The runners of an agent, each loaded with its first task or warm-up, so that an agent's start
 * loads only what its job's tasks need (a command job's agent never loads Blender's or OpenJD's
 * runner). A Blender started before registering (early-start.ts) is the Blender runner's to keep
 * and to end with the agent, so that runner loads at once when there is one.
 */
export function agentRunners(o: { threads: number; early?: BlenderProcess }): LazyRunner[] {
  const blender = new LazyRunner(BLENDER_KINDS, async () => {
    const { BlenderRunner } = await import('./runners/blender/runner.js');
    return new BlenderRunner({ threads: o.threads, early: o.early });
  });
  if (o.early) void blender.runner().catch(() => {});
  return [
    blender,
    new LazyRunner(['plenoxels'], async () => {
      const { PlenoxelsRunner } = await import('./runners/plenoxels.js');
      return new PlenoxelsRunner();
    }),
    new LazyRunner(['command'], async () => {
      const { CommandRunner } = await import('./runners/command.js');
      return new CommandRunner();
    }),
    new LazyRunner(['openjd-task'], async () => {
      const { OpenjdRunner } = await import('./runners/openjd.js');
      return new OpenjdRunner();
    }),
  ];
}
