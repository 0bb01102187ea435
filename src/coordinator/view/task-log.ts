import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTaskOutputName, sameWorker, taskOutputDir } from '../../api/task-output-files.js';
import type { AttemptView, TaskLog } from '../../api/types.js';
import { NotFoundError } from '../errors.js';
import type { TasksTable } from '../store/tables/tasks/tasks-table.js';
import type { JobRow } from '../store/types.js';
import { taskView } from '../views.js';
import { findTask, type TaskQuery } from './find-task.js';
import { attemptsOf } from './tasks.js';

/** Where an agent's log marks a task's start and end (see agent/agent.ts). */
const START = (id: number) => `leased task ${id} (`;
/** `done task N (`, `failed task N (`, `task N (...): lease lost`. */
const END = (id: number) => `task ${id} (`;

/**
 * The lines an agent's log holds for one task, attempt by attempt: from its `leased task N (`
 * line to its `done`/`failed`/`lease lost` line (or up to the next task, or the end while it runs).
 */
export function taskSections(lines: readonly string[], taskId: number): string[][] {
  const sections: string[][] = [];
  let current: string[] | null = null;
  for (const line of lines) {
    if (!line) continue;
    if (line.includes(START(taskId))) {
      current = [line];
      sections.push(current);
      continue;
    }
    if (!current) continue;
    if (/ leased task \d+ \(/.test(line)) {
      current = null;
      continue;
    }
    current.push(line);
    if (line.includes(END(taskId)) && !line.includes('blender:')) current = null;
  }
  return sections;
}

/**
 * A task's own output files, each with the attempt it belongs to: the latest attempt on the same
 * node and GPU that started before it (an agent's clock may run a little ahead: a minute's grace).
 */
export function taskOutputs<A extends { node: string; gpu: string; startedAt: number }>(
  jobDir: string,
  taskId: number,
  attempts: readonly A[],
): { attempt: A; lines: string[] }[] {
  const dir = taskOutputDir(jobDir, taskId);
  if (!existsSync(dir)) return [];
  const found: { attempt: A; lines: string[] }[] = [];
  for (const name of readdirSync(dir).sort()) {
    const said = parseTaskOutputName(name);
    if (!said) continue;
    const attempt = attempts
      .filter((a) => sameWorker(said, a) && a.startedAt <= said.startedAt + 60_000)
      .sort((x, y) => y.startedAt - x.startedAt)[0];
    if (!attempt) continue;
    const text = readFileSync(path.join(dir, name), 'utf8');
    found.push({ attempt, lines: text.split('\n').filter((l) => l !== '') });
  }
  return found;
}

/** Two runs of time-stamped lines (ISO stamps first) as one, in time order; ties keep `a` first. */
export function mergeByTime(a: readonly string[], b: readonly string[]): string[] {
  const stamp = (l: string) => /^\d{4}-\d\d-\d\dT[\d:.]+Z/.exec(l)?.[0] ?? '';
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && stamp(x) <= stamp(y))) {
      out.push(x as string);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}

/** The line that heads an attempt's lines in a task's log. */
export function attemptHeading(a: { attempt: number; node: string; gpu: string }): string {
  return `── attempt ${a.attempt} on ${a.node} GPU ${a.gpu} ──`;
}

/**
 * The task of `job` a query names, with its lines from the logs of the agents that ran it and
 * its own output, attempt by attempt (each headed by its number), and the last `tail` of them
 * all; only attempt `only` when given, a NotFoundError when the task has no such attempt.
 */
export function taskLog(
  tasks: Pick<TasksTable, 'list' | 'attempts'>,
  job: JobRow,
  q: TaskQuery,
  tail: number,
  only?: number,
): TaskLog {
  const task = findTask(tasks, job.id, q);
  const attempts = attemptsOf(tasks, task.id);
  const numbers = attempts.map((a) => a.attempt);
  if (only !== undefined && !numbers.includes(only)) {
    const name = taskView(task).name;
    throw new NotFoundError(
      numbers.length
        ? `task ${name} of job ${job.id} has no attempt ${only}; its attempts are ${numbers.join(', ')}`
        : `task ${name} of job ${job.id} has no attempt ${only}; it has not run yet`,
    );
  }
  const files = new Map<string, AttemptView[]>();
  for (const a of attempts) {
    const file = `agent-${a.node}-${a.gpu}.log`;
    files.set(file, [...(files.get(file) ?? []), a]);
  }
  const byAttempt = new Map<AttemptView, string[]>(attempts.map((a) => [a, []]));
  for (const [file, tries] of files) {
    // Names come from the store, not the request; basename keeps them inside logs/ regardless.
    const full = path.join(job.dir, 'logs', path.basename(file));
    const lines = existsSync(full) ? readFileSync(full, 'utf8').split('\n') : [];
    taskSections(lines, task.id).forEach((section, i) => {
      const a = tries[Math.min(i, tries.length - 1)];
      if (a) byAttempt.set(a, [...(byAttempt.get(a) ?? []), ...section]);
    });
  }
  // The task's own output, each file beside the attempt it came from, merged with the agent's
  // lines by their time stamps.
  for (const { attempt, lines } of taskOutputs(job.dir, task.id, attempts))
    byAttempt.set(attempt, mergeByTime(byAttempt.get(attempt) ?? [], lines));
  const out: TaskLog['attempts'] = [...byAttempt]
    .filter(([a]) => only === undefined || a.attempt === only)
    .map(([a, lines]) => ({
      attempt: a.attempt,
      agentId: a.agentId,
      node: a.node,
      gpu: a.gpu,
      lines,
    }))
    .sort((x, y) => x.attempt - y.attempt);
  return {
    task: taskView(task),
    attemptNumbers: numbers,
    attempts: out,
    lines: out.flatMap((a) => [attemptHeading(a), ...a.lines]).slice(-tail),
  };
}
