import { CommandError, CliError } from '../../errors.js';
import { plenoxelsPayload } from '../../coordinator/jobs/plenoxels.js';
import { runPlenoxelsTask } from '../../renderers/plenoxels/run-task.js';
import { failureMessage, outputTail } from './command-failure.js';
import {
  payloadOf,
  TaskFailure,
  type LeasedTask,
  type RunContext,
  type TaskRunner,
} from '../runner.js';

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
