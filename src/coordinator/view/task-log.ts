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
