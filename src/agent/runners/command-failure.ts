/** How a failed external command (a task's argv, a Plenoxels step, ffmpeg) reads: its headline and its tail. */
import type { CommandError } from '../../errors.js';
import { failureHeadline } from '../../process/failure-headline.js';

/** The last lines of a failed step's output, for the task's error tail. */
export function outputTail(text: string, lines = 40): string[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-lines);
}

/**
 * A failed command's headline (see failure-headline.ts): the cause its output names, else its
 * last stderr line, then its command line (cut short) and how it ended. `output` is both
 * streams as they came, where it has them apart from `err.stderr`.
 */
export function failureMessage(err: CommandError, output: readonly string[] = []): string {
  const lines = err.command.split('\n');
  const first = lines[0] ?? '';
  const shown = first.length > 200 || lines.length > 1 ? `${first.slice(0, 200)} …` : first;
  const exited = !err.timedOut && err.code !== undefined;
  const how = err.timedOut ? 'timed out' : exited ? `exited with ${err.code}` : 'was killed';
  // A killed or timed-out command's last stderr line is only the last it printed, not why.
  return failureHeadline(`\`${shown}\` ${how}`, {
    output: err.timedOut ? [] : output.length ? output : outputTail(err.stderr),
    errors: exited ? outputTail(err.stderr) : [],
  });
}
