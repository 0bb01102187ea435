import { isOutputFault } from '../../runner.js';

/**
 * Whose fault a Blender or ffmpeg failure is: the job's when its output cannot be written (the
 * same on every agent, so the job pauses for it), else this agent's. `tail` is Blender's last
 * lines, where it says so in words.
 */
export function blameFor(err: unknown, tail: readonly string[] = []): 'agent' | 'job' {
  return isOutputFault(err, tail) ? 'job' : 'agent';
}
