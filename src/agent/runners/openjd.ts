import path from 'node:path';
import { taskOutputFile } from '../../api/task-output-files.js';
import { OPENJD_TASK, openjdPayload } from '../../coordinator/jobs/openjd-payload.js';
import { environmentActions } from '../../openjd/environment-actions.js';
import { instantiateTask } from '../../openjd/instantiate.js';
import type { OutputEvent } from '../../openjd/output-messages.js';
import { OpenjdInstantiationError } from '../../openjd/problem.js';
import { maskCommand } from '../../openjd/redaction.js';
import {
  isOutputFault,
  payloadOf,
  TaskFailure,
  type LeasedTask,
  type RunContext,
  type TaskRunner,
} from '../runner.js';
import { TaskOutput } from '../task-output.js';
import { actionFailure, runAction } from './openjd-action.js';
import { bytesBetween, childBytesWritten } from './openjd-io.js';
import { OpenjdSession, writeFiles } from './openjd-session.js';

/** The last progress, status and fail message, and every metric (the last value of each name). */
function summary(events: readonly OutputEvent[]) {
  let progress: number | null = null;
  let status: string | null = null;
  let failMessage: string | null = null;
  const metrics: Record<string, number> = {};
  for (const e of events) {
    if (e.kind === 'progress') progress = e.percent;
    else if (e.kind === 'status') status = e.message;
    else if (e.kind === 'fail') failMessage = e.message;
    else if (e.kind === 'metric') metrics[e.name] = e.value;
  }
  return { progress, status, failMessage, metrics };
}

/**
 * Runs the tasks of Open Job Description jobs. The agent's run of a job is one session (see
 * OpenjdSession): environments are entered around the tasks and exited when the agent is done.
 * A task's output goes, attempt by attempt, to its own file under logs/tasks/ in the job directory
 * (see task-output-files.ts); its result holds the exit
 * code, wall time, bytes its processes wrote (see childBytesWritten), and what it said through
 * openjd_progress, openjd_status, openjd_fail and openjd_metric.
 */
export class OpenjdRunner implements TaskRunner {
  readonly kinds = [OPENJD_TASK] as const;
  private session: OpenjdSession | null = null;

  private sessionFor(jobDir: string, gpu: string): OpenjdSession {
    if (!this.session || this.session.closed || this.session.jobDir !== jobDir)
      this.session = new OpenjdSession(jobDir, gpu);
    return this.session;
  }

  async run(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    const p = payloadOf(task, openjdPayload);
    const session = this.sessionFor(task.jobDir, ctx.gpu);
    let cmd;
    try {
      const rules = p.pathMapping ?? [];
      const envs = environmentActions(p.template, p.step, p.jobParameters, session.dir, rules);
      await session.prepare(p.step, envs, ctx.signal);
      cmd = instantiateTask(p.template, p.step, p.params, p.jobParameters, session.dir, rules);
      writeFiles(cmd.files);
    } catch (err) {
      if (err instanceof TaskFailure) throw err;
      if (err instanceof OpenjdInstantiationError)
        throw new TaskFailure(`${p.label}: ${err.message}`);
      throw new TaskFailure(
        `${p.label}: ${(err as Error).message}`,
        [],
        isOutputFault(err) ? 'job' : 'agent',
      );
    }
    const started = Date.now();
    const out = new TaskOutput(
      taskOutputFile(task.jobDir, task.id, { node: ctx.node ?? 'node', gpu: ctx.gpu }, started),
    );
    ctx.log(
      `${p.label} in ${path.basename(session.dir)}: ${maskCommand(JSON.stringify(cmd.argv), session.redactor)}; output in ${out.file}`,
    );
    const before = childBytesWritten();
    let r;
    try {
      r = await runAction(cmd, {
        cwd: cmd.cwd,
        env: session.processEnv(),
        sessionDir: session.dir,
        line: (stream, text) => out.line(stream, text),
        signal: ctx.signal,
        redactor: session.redactor,
      });
    } catch (err) {
      out.close(`could not run: ${(err as Error).message}`);
      throw err;
    }
    const bytesWritten = bytesBetween(before, childBytesWritten());
    const said = summary(r.events);
    // The task's name is its label (view/task-name.ts): its headline need not repeat it.
    const failed = actionFailure('', r);
    out.close(`${failed ?? `${p.label}: done`} (${r.seconds.toFixed(2)} s)`);
    if (failed) throw new TaskFailure(failed, r.tail);
    return {
      step: p.step,
      index: p.index,
      label: p.label,
      exitCode: r.exitCode,
      seconds: r.seconds,
      bytesWritten,
      ...said,
      log: path.relative(task.jobDir, out.file),
      stdoutTail: r.tail.slice(-10),
    };
  }

  async close(): Promise<void> {
    await this.session?.close();
    this.session = null;
  }
}
