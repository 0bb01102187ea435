import { h, setAttr, setText } from './dom.js';
import { visibleRange, type FrameInfo } from './format.js';
import { formatDuration, percentText } from './pace-text.js';
import type { ThumbCache } from './thumbs.js';

const CELL_W = 96;
const CELL_H = 76;

/**
 * The frame grid, virtualized: only the rows in view (plus a little) exist in the DOM, so a job
 * with 10,000 frames scrolls as smoothly as one with 48. It takes the height its panel has (at
 * most the window's), so a job's frames show without an inner scroll where they fit. Cells are kept and changed in place
 * (never rebuilt while the job runs), so a click always lands on the cell it was aimed at;
 * thumbnails come from the job's ThumbCache, for cells in view.
 */
export class FrameGrid {
  readonly el: HTMLElement;
  private readonly scroller: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly win: HTMLDivElement;
  private frames: FrameInfo[] = [];
  private readonly cells = new Map<number, HTMLElement>();
  private selected: number | null = null;
  private frameRaf = 0;
  private readonly resize: ResizeObserver;

  constructor(
    private readonly thumbs: ThumbCache,
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
    // One listener for every cell: cells come and go as the grid scrolls.
    this.win.addEventListener('click', (e) => {
      const cell = (e.target as Element).closest<HTMLElement>('[data-frame]');
      const f = this.frames.find((x) => String(x.frame) === cell?.dataset.frame);
      if (f) this.onPick(f);
    });
    this.resize = new ResizeObserver(() => this.schedule());
    this.resize.observe(this.scroller);
    const legend = h(
      'div',
      { class: 'legend' },
      ...(['done', 'leased', 'queued', 'failed', 'cancelled'] as const).map((s) =>
        h('span', {}, h('i', { class: `sw ${s}` }), s === 'leased' ? 'rendering' : s),
      ),
    );
    this.el = h('div', { class: 'frame-box' }, legend, this.scroller);
  }

  setFrames(frames: FrameInfo[]): void {
    this.frames = frames;
    this.schedule();
  }

  select(frame: number | null): void {
    this.selected = frame;
    this.schedule();
  }

  /** Brings a frame's cell into view. */
  reveal(frame: number): void {
    const i = this.frames.findIndex((f) => f.frame === frame);
    if (i < 0) return;
    const columns = Math.max(1, Math.floor((this.scroller.clientWidth || 600) / CELL_W));
    const top = Math.floor(i / columns) * CELL_H;
    if (
      top < this.scroller.scrollTop ||
      top + CELL_H > this.scroller.scrollTop + this.scroller.clientHeight
    )
      this.scroller.scrollTop = top - CELL_H;
    this.schedule();
  }

  /** Redraws the cells of rendering frames (their elapsed time moves on). */
  tick(): void {
    if (this.frames.some((f) => f.live)) this.schedule();
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
    const height = `${rows * CELL_H}px`;
    if (this.spacer.style.height !== height) this.spacer.style.height = height;
    const { first, last } = visibleRange({
      scrollTop: this.scroller.scrollTop,
      viewHeight: this.scroller.clientHeight || 330,
      rowHeight: CELL_H,
      columns,
      total: this.frames.length,
    });
    const keep = new Set<number>();
    const wanted: string[] = [];
    for (let i = first; i < last; i++) {
      const f = this.frames[i];
      if (!f) continue;
      keep.add(f.frame);
      let cell = this.cells.get(f.frame);
      if (!cell) {
        cell = h('div', { attrs: { 'data-frame': String(f.frame) } }, h('span', { class: 'fno' }));
        this.cells.set(f.frame, cell);
        this.win.appendChild(cell);
      }
      this.paint(
        cell,
        f,
        (i % columns) * colW + (colW - CELL_W) / 2,
        Math.floor(i / columns) * CELL_H,
      );
      if (f.thumb && f.state === 'done' && !this.thumbs.get(f.thumb)) wanted.push(f.thumb);
    }
    for (const [frame, cell] of this.cells) {
      if (keep.has(frame)) continue;
      cell.remove();
      this.cells.delete(frame);
    }
    if (wanted.length) this.thumbs.want(wanted);
  }

  private paint(cell: HTMLElement, f: FrameInfo, left: number, top: number): void {
    setAttr(cell, 'class', `cell ${f.state}${f.frame === this.selected ? ' selected' : ''}`);
    setAttr(cell, 'data-state', f.state);
    setAttr(
      cell,
      'title',
      f.state === 'failed'
        ? `frame ${f.frame} failed: ${f.error ?? ''}`
        : `frame ${f.frame}: ${f.state === 'leased' ? 'rendering' : f.state}${f.seconds !== null ? `, ${f.seconds.toFixed(2)} s` : ''}`,
    );
    const l = `${left}px`;
    const t = `${top}px`;
    if (cell.style.left !== l) cell.style.left = l;
    if (cell.style.top !== t) cell.style.top = t;
    const url = f.thumb && f.state === 'done' ? this.thumbs.get(f.thumb) : undefined;
    let img = cell.querySelector('img');
    if (url && img?.getAttribute('src') !== url) {
      img?.remove();
      img = h('img', { attrs: { src: url, alt: `frame ${f.frame}` } });
      cell.prepend(img);
    } else if (!url && img) img.remove();
    const label = cell.querySelector('.fno');
    if (label) setText(label, String(f.frame));
    this.paintLive(cell, f);
  }

  /** A rendering frame's percent and elapsed time, from its agent's last renewal. */
  private paintLive(cell: HTMLElement, f: FrameInfo): void {
    let live = cell.querySelector<HTMLElement>('.live');
    if (!f.live || f.state !== 'leased') {
      live?.remove();
      return;
    }
    if (!live) {
      live = h('span', { class: 'live', attrs: { 'data-role': 'frame-live' } }, h('i'), h('b'));
      cell.append(live);
    }
    const time =
      f.live.startedAt !== null
        ? ` · ${formatDuration((Date.now() - f.live.startedAt) / 1000)}`
        : '';
    const bar = live.querySelector('i');
    const width = `${Math.round(f.live.fraction * 100)}%`;
    if (bar && bar.style.width !== width) bar.style.width = width;
    const text = live.querySelector('b');
    if (text) setText(text, `${percentText(f.live.fraction)}${time}`);
    setAttr(live, 'data-fraction', String(f.live.fraction));
  }

  close(): void {
    cancelAnimationFrame(this.frameRaf);
    this.resize.disconnect();
  }
}
