import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTaskOutputName, sameWorker, taskOutputDir } from '../../api/task-output-files.js';

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
