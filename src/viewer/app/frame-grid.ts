import { blobUrl, jobFile } from './api.js';
import { h, replace } from './dom.js';
import { visibleRange, type FrameInfo } from './format.js';

const CELL_W = 96;
const CELL_H = 76;
const MAX_THUMBS = 600;
const MAX_FETCHES = 6;

/**
 * The frame grid, virtualized: only the rows in view (plus a little) exist in the DOM, so a job
 * with 10,000 frames scrolls as smoothly as one with 48. Thumbnails are fetched with the bearer
 * header as blobs, only for cells in view, and kept in a bounded cache.
 */
export class FrameGrid {
  readonly el: HTMLElement;
  private readonly scroller: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly win: HTMLDivElement;
  private frames: FrameInfo[] = [];
  private readonly thumbs = new Map<string, string>();
  private readonly pending = new Set<string>();
  private queue: string[] = [];
  private selected: number | null = null;
  private frameRaf = 0;

  constructor(
    private readonly jobId: string,
    private readonly onPick: (f: FrameInfo) => void,
  ) {
    this.win = h('div', { class: 'grid-window' });
    this.spacer = h('div');
    this.scroller = h(
      'div',
      { class: 'grid-scroll', attrs: { 'data-role': 'frame-grid' } },
      this.spacer,
      this.win,
    );
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    const legend = h(
      'div',
      { class: 'legend' },
      ...(['done', 'leased', 'queued', 'failed'] as const).map((s) =>
        h('span', {}, this.swatch(s), s),
      ),
    );
    this.el = h('div', {}, legend, this.scroller);
  }

  private swatch(state: string): HTMLElement {
    const i = h('i');
    i.style.background = `var(--${state === 'done' ? 'ok' : state === 'failed' ? 'bad' : state})`;
    return i;
  }

  setFrames(frames: FrameInfo[]): void {
    this.frames = frames;
    this.schedule();
  }

  select(frame: number | null): void {
    this.selected = frame;
    this.schedule();
  }

  /** Redraws on the next animation frame (scrolls and event bursts coalesce). */
  schedule(): void {
    if (this.frameRaf) return;
    this.frameRaf = requestAnimationFrame(() => {
      this.frameRaf = 0;
      this.draw();
    });
  }

  private draw(): void {
    const width = this.scroller.clientWidth || 600;
    const columns = Math.max(1, Math.floor(width / CELL_W));
    const colW = width / columns;
    const rows = Math.ceil(this.frames.length / columns);
    this.spacer.style.height = `${rows * CELL_H}px`;
    const { first, last } = visibleRange({
      scrollTop: this.scroller.scrollTop,
      viewHeight: this.scroller.clientHeight || 330,
      rowHeight: CELL_H,
      columns,
      total: this.frames.length,
    });
    const cells: HTMLElement[] = [];
    this.queue = [];
    for (let i = first; i < last; i++) {
      const f = this.frames[i];
      if (!f) continue;
      const cell = h('div', {
        class: `cell ${f.state}${f.frame === this.selected ? ' selected' : ''}`,
        title:
          f.state === 'failed'
            ? `frame ${f.frame} failed: ${f.error ?? ''}`
            : `frame ${f.frame}: ${f.state}${f.seconds !== null ? `, ${f.seconds.toFixed(2)} s` : ''}`,
        attrs: { 'data-frame': String(f.frame), 'data-state': f.state },
        on: { click: () => this.onPick(f) },
      });
      cell.style.left = `${(i % columns) * colW + (colW - CELL_W) / 2}px`;
      cell.style.top = `${Math.floor(i / columns) * CELL_H}px`;
      if (f.thumb && f.state === 'done') {
        const url = this.thumbs.get(f.thumb);
        if (url) cell.appendChild(h('img', { attrs: { src: url, alt: `frame ${f.frame}` } }));
        else if (!this.pending.has(f.thumb)) this.queue.push(f.thumb);
      }
      cell.appendChild(h('span', { class: 'fno' }, String(f.frame)));
      cells.push(cell);
    }
    replace(this.win, ...cells);
    this.pump();
  }

  private pump(): void {
    while (this.pending.size < MAX_FETCHES && this.queue.length) {
      const rel = this.queue.shift();
      if (!rel || this.thumbs.has(rel)) continue;
      this.pending.add(rel);
      blobUrl(jobFile(this.jobId, rel))
        .then((url) => {
          this.thumbs.set(rel, url);
          this.evict();
        })
        .catch(() => {
          // a missing thumbnail leaves the plain cell
        })
        .finally(() => {
          this.pending.delete(rel);
          this.schedule();
        });
    }
  }

  private evict(): void {
    for (const [rel, url] of this.thumbs) {
      if (this.thumbs.size <= MAX_THUMBS) break;
      URL.revokeObjectURL(url);
      this.thumbs.delete(rel);
    }
  }

  close(): void {
    for (const url of this.thumbs.values()) URL.revokeObjectURL(url);
    this.thumbs.clear();
  }
}
