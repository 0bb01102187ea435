import type { TaskProgressReport } from '../../../api/agent-protocol.js';
import { progressOfLine } from '../../../renderers/blender/progress-line.js';

/**
 * How far a task of frames is, from Blender's status lines: the frames before the one rendering
 * count whole, that one by its samples (or tiles). A frame's fraction never goes back (a second
 * view layer or a tiled render's last `Sample 0/16` would otherwise make it jump), and each new
 * frame starts at zero with its own clock.
 */
export class FrameProgress {
  private index = 0;
  private frameFraction = 0;
  private activity: string | undefined;
  private startedAt: number;

  constructor(
    private readonly frames: readonly number[],
    private readonly report: (p: TaskProgressReport) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** The frame at `index` of the task's frames begins. */
  start(index: number): void {
    this.index = index;
    this.frameFraction = 0;
    this.activity = undefined;
    this.startedAt = this.now();
    this.send();
  }

  /** One line Blender printed. */
  line(line: string): void {
    const p = progressOfLine(line);
    if (!p) return;
    if (p.fraction !== undefined) this.frameFraction = Math.max(this.frameFraction, p.fraction);
    this.activity = p.activity;
    this.send();
  }

  private send(): void {
    const n = Math.max(1, this.frames.length);
    const frame = this.frames[this.index];
    this.report({
      fraction: Math.min(1, (this.index + this.frameFraction) / n),
      ...(this.activity ? { activity: this.activity } : {}),
      ...(frame !== undefined ? { frame } : {}),
      frameFraction: this.frameFraction,
      frameElapsedMs: Math.max(0, Math.round(this.now() - this.startedAt)),
    });
  }
}
