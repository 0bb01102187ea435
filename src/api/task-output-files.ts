import path from 'node:path';

/**
 * Where a task's own output lies, one file per attempt, as the agent writes it and the
 * coordinator reads it: `logs/tasks/<task id>/<start ms>-<node>-gpu<gpu>.log` in the job's
 * directory. A new name per attempt, so no attempt overwrites another.
 */
const DIR = 'tasks';
const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');

export function taskOutputDir(jobDir: string, taskId: number): string {
  return path.join(jobDir, 'logs', DIR, String(taskId));
}

export function taskOutputFile(
  jobDir: string,
  taskId: number,
  who: { node: string; gpu: string },
  startedAt: number,
): string {
  return path.join(
    taskOutputDir(jobDir, taskId),
    `${startedAt}-${safe(who.node)}-gpu${safe(who.gpu)}.log`,
  );
}

/** What a file's name says of its attempt; undefined for a name not made by taskOutputFile. */
export function parseTaskOutputName(
  name: string,
): { startedAt: number; node: string; gpu: string } | undefined {
  const m = /^(\d+)-(.+)-gpu([A-Za-z0-9_.-]*)\.log$/.exec(name);
  return m ? { startedAt: Number(m[1]), node: m[2] ?? '', gpu: m[3] ?? '' } : undefined;
}

/** Whether an attempt on `node`/`gpu` is the one a file's name says. */
export function sameWorker(name: { node: string; gpu: string }, a: { node: string; gpu: string }) {
  return name.node === safe(a.node) && name.gpu === safe(a.gpu);
}
