import type { TaskView } from '../../api/types.js';
import { COLORS, makeCanvas } from './canvas.js';
import { formatTime, timelineLanes, type Lane } from './format.js';

const LANE_H = 16;
const LABEL_W = 96;

/** Which agent (node / GPU) ran which task when: one lane per GPU, one bar per task. */
export class Timeline {
  readonly el: HTMLElement;
  private lanes: Lane[] = [];
  private span = { from: 0, to: 1 };
  private readonly c = makeCanvas(140, 'timeline', () => this.draw(this.last));
  private last: TaskView[] = [];

  constructor() {
    this.el = this.c.el;
    this.c.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.c.canvas.addEventListener('mouseleave', () => this.c.tip(null));
  }

  /** Draws these tasks (again at the new size when the timeline is resized). */
  draw(tasks: TaskView[]): void {
    this.last = tasks;
    const now = Date.now();
    this.lanes = timelineLanes(tasks, now);
    const height = Math.max(60, this.lanes.length * LANE_H + 22);
    this.c.canvas.style.height = `${height}px`;
    const ctx = this.c.ctx();
    if (!ctx) return;
    ctx.canvas.height = height * (window.devicePixelRatio || 1);
    ctx.setTransform(window.devicePixelRatio || 1, 0, 0, window.devicePixelRatio || 1, 0, 0);
    const w = this.c.canvas.clientWidth || 500;
    ctx.font = '11px system-ui, sans-serif';
    if (!this.lanes.length) {
      ctx.fillStyle = '#8c95a3';
      ctx.fillText('Nothing has started yet.', 10, 20);
      return;
    }
    const bars = this.lanes.flatMap((l) => l.bars);
    this.span = {
      from: Math.min(...bars.map((b) => b.start)),
      to: Math.max(...bars.map((b) => b.end), now),
    };
    const x = (t: number) =>
      LABEL_W +
      ((t - this.span.from) / Math.max(1, this.span.to - this.span.from)) * (w - LABEL_W - 8);
    this.lanes.forEach((lane, i) => {
      const y = i * LANE_H + 4;
      ctx.fillStyle = '#8c95a3';
      ctx.fillText(lane.key, 6, y + 11);
      for (const b of lane.bars) {
        ctx.fillStyle = COLORS[b.state] ?? '#888';
        const x0 = x(b.start);
        ctx.fillRect(x0, y + 1, Math.max(1.5, x(b.end) - x0 - 1), LANE_H - 4);
      }
    });
    ctx.fillStyle = '#8c95a3';
    const y = this.lanes.length * LANE_H + 16;
    ctx.fillText(formatTime(this.span.from), LABEL_W, y);
    ctx.textAlign = 'right';
    ctx.fillText(formatTime(this.span.to), w - 8, y);
    ctx.textAlign = 'left';
  }

  close(): void {
    this.c.close();
  }

  private hover(e: MouseEvent): void {
    const r = this.c.canvas.getBoundingClientRect();
    const lane = this.lanes[Math.floor((e.clientY - r.top - 4) / LANE_H)];
    const w = r.width;
    const t =
      this.span.from +
      ((e.clientX - r.left - LABEL_W) / Math.max(1, w - LABEL_W - 8)) *
        (this.span.to - this.span.from);
    const bar = lane?.bars.find((b) => b.start <= t && t <= b.end);
    this.c.tip(
      bar && lane
        ? `${lane.key}\n${bar.name} · ${bar.state === 'leased' ? 'running' : bar.state}\n${((bar.end - bar.start) / 1000).toFixed(1)} s · ${bar.agentId ?? ''}`
        : null,
      e,
    );
  }
}
