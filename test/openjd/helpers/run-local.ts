import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  applyEnvMessages,
  environmentActions,
  expandStep,
  instantiateTask,
  parseOutput,
  stepOrder,
  type ActionCommand,
  type FileToWrite,
  type JobParameterValues,
  type JobTemplate,
  type OutputEvent,
  type ReadManifest,
} from '../../../src/openjd/index.js';

/** What a local run did: tasks per step and the stdout messages each step's tasks printed. */
export interface LocalRun {
  tasks: Record<string, number>;
  events: Record<string, OutputEvent[]>;
}

function write(files: readonly FileToWrite[]): void {
  for (const f of files) {
    mkdirSync(path.dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.content, { mode: f.runnable ? 0o700 : 0o600 });
  }
}

function run(cmd: ActionCommand, cwd: string, env: Record<string, string>, what: string): string {
  const [file, ...args] = cmd.argv;
  const r = spawnSync(file as string, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: (cmd.timeoutSeconds ?? 300) * 1000,
  });
  if (r.status !== 0)
    throw new Error(
      `${what} (${cmd.argv.join(' ')}) exited ${String(r.status)}: ${r.stderr}${r.stdout}`,
    );
  return r.stdout;
}

/**
 * Runs a job on this machine the way the coordinator will across the cluster: each step after
 * the steps it depends on, its tasks expanded when it becomes ready (so manifests an earlier
 * step wrote are read then), each task as an argv in a fresh session directory with its
 * environments entered before and exited after. Tasks run one at a time.
 */
export function runJobLocally(
  template: JobTemplate,
  values: JobParameterValues,
  opts: { sessionRoot: string; readManifest?: ReadManifest },
): LocalRun {
  const out: LocalRun = { tasks: {}, events: {} };
  for (const step of stepOrder(template)) {
    const tasks = expandStep(template, step, values, opts.readManifest);
    out.tasks[step] = tasks.length;
    const events: OutputEvent[] = [];
    for (const task of tasks) {
      const session = mkdtempSync(path.join(opts.sessionRoot, 'session-'));
      const envs = environmentActions(template, step, values, session);
      let env: Record<string, string> = {};
      for (const e of envs) {
        env = { ...env, ...e.variables };
        write(e.files);
        if (e.onEnter)
          env = applyEnvMessages(
            env,
            parseOutput(run(e.onEnter, session, env, `${e.name} onEnter`)),
          );
      }
      const cmd = instantiateTask(template, step, task.params, values, session);
      write(cmd.files);
      events.push(
        ...parseOutput(run(cmd, cmd.cwd, { ...cmd.env, ...env }, `${step} task ${task.index}`)),
      );
      for (const e of [...envs].reverse()) {
        write(e.files);
        if (e.onExit) run(e.onExit, session, env, `${e.name} onExit`);
      }
    }
    out.events[step] = events;
  }
  return out;
}
