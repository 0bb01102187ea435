import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CommandError } from '../../errors.js';
import { runCommandTask } from '../../renderers/command/index.js';
import { commandPayload } from '../../coordinator/jobs/command.js';
import {
  payloadOf,
  TaskFailure,
  type LeasedTask,
  type RunContext,
  type TaskRunner,
} from '../runner.js';
import { failureMessage, outputTail } from './plenoxels.js';

/**
 * Runs one generic command task: its argv without a shell, on the agent's GPU, from the
 * payload's cwd. Output goes to logs/task-<id>.out in the job directory; the result keeps its tail.
 */
export class CommandRunner implements TaskRunner {
  readonly kinds = ['command'] as const;

  async run(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    const { argv, cwd: dir, id, fields, line } = payloadOf(task, commandPayload);
    const logFile = path.join(task.jobDir, 'logs', `task-${task.id}.out`);
    const started = Date.now();
    ctx.log(`task ${id}: ${JSON.stringify(argv)} in ${dir}`);
    try {
      const out = await runCommandTask(
        {
          id,
          line,
          fields,
          argv,
        },
        {
          cwd: dir,
          signal: ctx.signal,
          env: { ...(ctx.gpu ? { CUDA_VISIBLE_DEVICES: ctx.gpu } : {}), CT_TASK_ID: id },
        },
      );
      writeFileSync(logFile, `${out.stdout}${out.stderr ? `\n--- stderr\n${out.stderr}` : ''}`, {
        mode: 0o600,
      });
      return {
        id,
        exitCode: 0,
        seconds: (Date.now() - started) / 1000,
        stdoutTail: outputTail(out.stdout, 20),
        log: path.relative(task.jobDir, logFile),
      };
    } catch (err) {
      if (err instanceof CommandError) {
        writeFileSync(logFile, err.stderr, { mode: 0o600 });
        throw new TaskFailure(failureMessage(err), outputTail(err.stderr));
      }
      throw new TaskFailure((err as Error).message);
    }
  }

  async close(): Promise<void> {}
}
