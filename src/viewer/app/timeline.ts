import type { TaskView } from '../../api/types.js';
import { COLORS, makeCanvas } from './canvas.js';
import { formatTime, timelineLanes, timelineSpan, type Bar, type Lane } from './format.js';

const LANE_H = 16;
const LABEL_W = 96;

/**
 * Which agent (node / GPU) ran which task when: one lane per GPU, one bar per attempt, a failed
 * attempt red and struck through, so a GPU that spent its time failing does not look idle. The
 * axis of a finished job ends at its end.
 */
export class Timeline {
  readonly el: HTMLElement;
  private lanes: Lane[] = [];
  private span = { from: 0, to: 1 };
  private readonly c = makeCanvas(140, 'timeline', () => this.draw(this.last, this.endAt));
  private last: TaskView[] = [];
  private endAt: number | null = null;

  constructor() {
    this.el = this.c.el;
    this.c.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.c.canvas.addEventListener('mouseleave', () => this.c.tip(null));
  }

  /** Draws these tasks up to `endAt` (the job's end; null while it runs), again when resized. */
  draw(tasks: TaskView[], endAt: number | null): void {
    this.last = tasks;
    this.endAt = endAt;
    const now = Date.now();
    this.lanes = timelineLanes(tasks, now, endAt);
    const bars = this.lanes.flatMap((l) => l.bars);
    // What the canvas shows, readable without its pixels (tests, assistive tools).
    this.c.canvas.dataset.bars = String(bars.length);
    this.c.canvas.dataset.failedBars = String(bars.filter((b) => b.state === 'failed').length);
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
    this.span = timelineSpan(this.lanes, now, endAt);
    const x = (t: number) =>
      LABEL_W + ((t - this.span.from) / (this.span.to - this.span.from)) * (w - LABEL_W - 8);
    this.lanes.forEach((lane, i) => {
      const y = i * LANE_H + 4;
      ctx.fillStyle = '#8c95a3';
      ctx.fillText(lane.key, 6, y + 11);
      for (const b of lane.bars) drawBar(ctx, b, x(b.start), x(b.end), y);
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
    const how = (b: Bar) =>
      b.state === 'leased' ? 'running' : b.outcome && b.outcome !== b.state ? b.outcome : b.state;
    this.c.tip(
      bar && lane
        ? `${lane.key}\n${bar.name} · ${how(bar)}\n${((bar.end - bar.start) / 1000).toFixed(1)} s · ${bar.agentId ?? ''}`
        : null,
      e,
    );
  }
}

/** One bar; a failed attempt is struck through so it reads as failed without its colour too. */
function drawBar(ctx: CanvasRenderingContext2D, b: Bar, x0: number, x1: number, y: number): void {
  // A failed attempt can last milliseconds: it is drawn wide enough to be seen.
  const width = Math.max(b.state === 'failed' ? 4 : 1.5, x1 - x0 - 1);
  ctx.fillStyle = COLORS[b.state] ?? '#888';
  ctx.fillRect(x0, y + 1, width, LANE_H - 4);
  if (b.state !== 'failed') return;
  const h = LANE_H - 4;
  ctx.save();
  ctx.beginPath();
  ctx.rect(x0, y + 1, width, h);
  ctx.clip();
  ctx.strokeStyle = '#2a0d0f';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let sx = x0 - h; sx < x0 + width; sx += 6) {
    ctx.moveTo(sx, y + 1);
    ctx.lineTo(sx + h, y + 1 + h);
  }
  ctx.stroke();
  ctx.restore();
}
