import { runCommand, type RunOptions, type RunResult } from '../../process/run.js';
import type { CommandTask } from './tasks-file.js';

/**
 * Runs one command task: argv[0] with the rest as arguments, never through a shell, so every
 * substituted value arrives as one literal argument. Throws `CommandError` when it fails.
 */
export async function runCommandTask(task: CommandTask, opts: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = task.argv;
  return runCommand(file ?? '', args, { timeoutMs: 24 * 3600_000, ...opts });
}
