import type { FrameInfo } from './format.js';
import { makeCanvas } from './canvas.js';

/** Render time of each frame by frame number (one column per frame, or per pixel when there are more). */
export class FrameTimeChart {
  readonly el: HTMLElement;
  private readonly c = makeCanvas(140, 'frame-chart', () => this.draw(this.last));
  private last: FrameInfo[] = [];
  private points: { frame: number; seconds: number }[] = [];
  private max = 1;

  constructor() {
    this.el = this.c.el;
    this.c.canvas.addEventListener('mousemove', (e) => {
      const r = this.c.canvas.getBoundingClientRect();
      const i = Math.floor(
        ((e.clientX - r.left - 36) / Math.max(1, r.width - 44)) * this.points.length,
      );
      const p = this.points[i];
      this.c.tip(p ? `frame ${p.frame}: ${p.seconds.toFixed(2)} s` : null, e);
    });
    this.c.canvas.addEventListener('mouseleave', () => this.c.tip(null));
  }

  /** Draws these frames' render times (again at the new size when the chart is resized). */
  draw(frames: FrameInfo[]): void {
    this.last = frames;
    this.points = frames
      .filter((f) => f.seconds !== null)
      .map((f) => ({ frame: f.frame, seconds: f.seconds ?? 0 }));
    const ctx = this.c.ctx();
    if (!ctx) return;
    const w = this.c.canvas.clientWidth || 500;
    const h = 140;
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#8c95a3';
    if (!this.points.length) {
      ctx.fillText('No frame has finished yet.', 10, 20);
      return;
    }
    this.max = Math.max(...this.points.map((p) => p.seconds), 0.001);
    const plotW = w - 44;
    const plotH = h - 28;
    ctx.fillText(`${this.max.toFixed(1)} s`, 2, 12);
    ctx.fillText('0', 24, plotH + 8);
    const bw = plotW / this.points.length;
    ctx.fillStyle = '#4ea1ff';
    this.points.forEach((p, i) => {
      const bh = (p.seconds / this.max) * plotH;
      ctx.fillRect(36 + i * bw, 6 + plotH - bh, Math.max(1, bw - (bw > 3 ? 1 : 0)), bh);
    });
    ctx.fillStyle = '#8c95a3';
    const first = this.points[0];
    const last = this.points[this.points.length - 1];
    ctx.fillText(`frame ${first?.frame ?? ''}`, 36, h - 4);
    ctx.textAlign = 'right';
    ctx.fillText(`frame ${last?.frame ?? ''}`, w - 8, h - 4);
    ctx.textAlign = 'left';
  }

  close(): void {
    this.c.close();
  }
}
