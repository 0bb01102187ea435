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
import { taskOutputFile } from '../../api/task-output-files.js';
import { TaskOutput } from '../task-output.js';
import { failureMessage } from './command-failure.js';

/**
 * Runs one generic command task: its argv without a shell, on the agent's GPU, from the
 * payload's cwd. Its stdout and stderr stream, line by line as they come, to a file of this
 * attempt's own under logs/tasks/ in the job directory (no attempt overwrites another); the
 * result and a failure keep their tails.
 */
export class CommandRunner implements TaskRunner {
  readonly kinds = ['command'] as const;

  async run(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    const { argv, cwd: dir, id, fields, line } = payloadOf(task, commandPayload);
    const started = Date.now();
    const out = new TaskOutput(
      taskOutputFile(task.jobDir, task.id, { node: ctx.node ?? 'node', gpu: ctx.gpu }, started),
    );
    const stdoutTail: string[] = [];
    ctx.log(`task ${id}: ${JSON.stringify(argv)} in ${dir}; output in ${out.file}`);
    try {
      await runCommandTask(
        { id, line, fields, argv },
        {
          cwd: dir,
          signal: ctx.signal,
          env: { ...(ctx.gpu ? { CUDA_VISIBLE_DEVICES: ctx.gpu } : {}), CT_TASK_ID: id },
          onLine: (stream, text) => {
            out.line(stream, text);
            if (stream === 'stdout' && text.trim()) {
              stdoutTail.push(text);
              if (stdoutTail.length > 20) stdoutTail.shift();
            }
          },
        },
      );
      out.close('exited with 0');
      return {
        id,
        exitCode: 0,
        seconds: (Date.now() - started) / 1000,
        stdoutTail,
        log: path.relative(task.jobDir, out.file),
      };
    } catch (err) {
      const errors = out.lastErrors();
      if (err instanceof CommandError) {
        // The output went to the file, not into the error: its last stderr line is ours.
        const failed = new CommandError({
          command: err.command,
          code: err.code,
          stderr: errors.join('\n'),
          timedOut: err.timedOut,
        });
        const headline = failureMessage(failed, out.lastLines());
        out.close(headline);
        throw new TaskFailure(headline, errors);
      }
      out.close(`could not run: ${(err as Error).message}`);
      throw new TaskFailure((err as Error).message, errors);
    }
  }

  async close(): Promise<void> {}
}
