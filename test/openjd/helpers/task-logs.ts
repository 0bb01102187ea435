import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The text of every task log of a job (each line `<time> out: <line>` or `<time> err: …`). */
export function taskLogs(jobDir: string): string[] {
  const dir = path.join(jobDir, 'logs', 'tasks');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.log'))
    .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'));
}

/** How many times Blender started in a task log: it prints its banner once per start. */
export function blenderStarts(log: string): number {
  return log.match(/ out: Blender \d+\.\d+\.\d+$/gm)?.length ?? 0;
}

/** The frame numbers Blender saved in task logs (`Saved: '…<prefix>NNNN.png'`), ascending. */
export function savedFrames(logs: string[], prefix: string): number[] {
  const re = new RegExp(`Saved: '.*${prefix}(\\d{4})\\.png'`, 'g');
  return logs.flatMap((l) => [...l.matchAll(re)].map((m) => Number(m[1]))).sort((a, b) => a - b);
}
