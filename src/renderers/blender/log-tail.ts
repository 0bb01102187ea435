/** Keeps the last `size` lines a process printed, for error reports. */
export class LogTail {
  private readonly lines: string[] = [];
  constructor(private readonly size = 40) {}

  /** Adds one line; the oldest falls out once `size` are held. */
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }

  /** The held lines, oldest first. */
  toArray(): string[] {
    return [...this.lines];
  }
}

/** The last `n` lines indented under a heading (for a person at a terminal), or '' when none. */
export function formatTail(
  lines: readonly string[],
  n = 15,
  heading = "Blender's last output lines:",
): string {
  const tail = lines.slice(-n);
  return tail.length ? `\n${heading}\n${tail.map((l) => `  ${l}`).join('\n')}` : '';
}
