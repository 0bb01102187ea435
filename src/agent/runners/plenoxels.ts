import { CommandError, CliError } from '../../errors.js';
import { plenoxelsPayload } from '../../coordinator/jobs/plenoxels.js';
import { runPlenoxelsTask } from '../../renderers/plenoxels/run-task.js';
import {
  payloadOf,
  TaskFailure,
  type LeasedTask,
  type RunContext,
  type TaskRunner,
} from '../runner.js';

/** The last lines of a failed step's output, for the task's error tail. */
export function outputTail(text: string, lines = 40): string[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-lines);
}

/** One line for a failed command: its command line (cut short), how it ended, its last error line. */
export function failureMessage(err: CommandError): string {
  const lines = err.command.split('\n');
  const first = lines[0] ?? '';
  const shown = first.length > 200 || lines.length > 1 ? `${first.slice(0, 200)} …` : first;
  const how = err.timedOut
    ? 'timed out'
    : err.code === undefined
      ? 'was killed'
      : `exited with ${err.code}`;
  const last = outputTail(err.stderr, 1)[0];
  return `\`${shown}\` ${how}${last ? `: ${last}` : ''}`;
}

/**
 * Runs one expanded Plenoxels task (opt.py, then render_imgs.py for eval and render) from the
 * svox2 checkout in the payload, skipping steps whose outputs exist, and returns its metrics.
 */
export class PlenoxelsRunner implements TaskRunner {
  readonly kinds = ['plenoxels'] as const;

  async run(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    const { task: t, svox2Dir, python } = payloadOf(task, plenoxelsPayload);
    const started = Date.now();
    try {
      const r = await runPlenoxelsTask(t, {
        svox2Dir,
        python,
        gpu: ctx.gpu,
        signal: ctx.signal,
        log: ctx.log,
      });
      const { evalStats, ...metrics } = r.result;
      return {
        task: t.id,
        variables: t.variables,
        ...metrics,
        evals: evalStats.length,
        ran: r.ran,
        skipped: r.skipped,
        seconds: (Date.now() - started) / 1000,
      };
    } catch (err) {
      if (err instanceof CommandError)
        throw new TaskFailure(failureMessage(err), outputTail(err.stderr));
      if (err instanceof CliError || err instanceof Error) throw new TaskFailure(err.message);
      throw err;
    }
  }

  async close(): Promise<void> {}
}
