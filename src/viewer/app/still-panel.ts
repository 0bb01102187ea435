import type { StillView, TaskView } from '../../api/types.js';
import { blobUrl, jobFile } from './api.js';
import { h, replace, setAttr, setText } from './dom.js';
import type { FrameInfo } from './format.js';
import { showable, stillStatus, tileCells, type TileCell } from './still-layout.js';

/**
 * A tiled still: its tile grid filling in as the tiles finish (each coloured by its task's state,
 * a done one showing its PNG preview: the tiles themselves are float EXRs a browser cannot
 * show), then the merged image, fetched with the token; a click opens it in the lightbox, and a
 * link downloads it.
 */
export class StillPanel {
  readonly el: HTMLElement;
  private readonly stage: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly links: HTMLElement;
  private readonly tiles = new Map<number, HTMLElement>();
  private readonly ctl = new AbortController();
  private url: string | null = null;
  private loading = false;
  private info: FrameInfo | null = null;
  private sized = '';

  constructor(
    private readonly jobId: string,
    private readonly open: (f: FrameInfo) => void,
  ) {
    this.grid = h('div', { class: 'still-tiles' });
    this.stage = h('div', { class: 'still-stage', attrs: { 'data-role': 'still' } }, this.grid);
    this.caption = h('div', { class: 'muted', attrs: { 'data-role': 'still-caption' } });
    this.links = h('div', { class: 'actions' });
    this.el = h(
      'div',
      { class: 'panel' },
      h('h2', {}, 'Still'),
      this.stage,
      this.caption,
      this.links,
    );
  }

  /** The frame as the lightbox shows it, once the merged image is in. */
  frames(): FrameInfo[] {
    return this.info ? [this.info] : [];
  }

  update(still: StillView | undefined, tasks: ReadonlyMap<number, TaskView>): void {
    if (!still) return;
    const size = `${still.width}/${still.height}`;
    if (this.sized !== size) {
      this.sized = size;
      this.stage.style.aspectRatio = size;
      // As wide as the panel, but never taller than most of the window.
      this.stage.style.width = `min(100%, ${((62 * still.width) / still.height).toFixed(2)}vh)`;
    }
    for (const c of tileCells(still, tasks)) {
      let el = this.tiles.get(c.index);
      if (!el) {
        el = h('div', { attrs: { 'data-tile': String(c.index) } });
        Object.assign(el.style, {
          left: `${c.left}%`,
          top: `${c.top}%`,
          width: `${c.width}%`,
          height: `${c.height}%`,
        });
        this.tiles.set(c.index, el);
        this.grid.append(el);
      }
      setAttr(el, 'class', `tile ${c.state}`);
      setAttr(el, 'data-state', c.state);
      setAttr(el, 'title', c.title);
      this.showPreview(el, c.preview);
    }
    const status = stillStatus(still, tasks);
    setText(this.caption, status.text);
    if (status.merged) this.showMerged(still, tasks);
  }

  /** A done tile shows its PNG preview; any other shows its colour (a preview that fails: too). */
  private showPreview(el: HTMLElement, preview: TileCell['preview']): void {
    const src = preview
      ? `${jobFile(this.jobId, preview.name)}?v=${encodeURIComponent(preview.version)}`
      : '';
    const img = el.querySelector('img');
    if (img?.getAttribute('src') === src) return;
    img?.remove();
    if (!src) return;
    const shown = h('img', { attrs: { src, alt: '', 'data-role': 'tile-preview' } });
    shown.addEventListener('error', () => shown.remove());
    el.append(shown);
  }

  private showMerged(still: StillView, tasks: ReadonlyMap<number, TaskView>): void {
    if (this.loading || this.url) return;
    const merge = still.mergeTaskId === null ? undefined : tasks.get(still.mergeTaskId);
    const file = still.file;
    const name = file.split('/').pop() ?? 'still';
    if (!showable(file)) {
      replace(this.links, `${name} cannot be shown in a browser; `, this.download(file, name));
      return;
    }
    this.loading = true;
    blobUrl(jobFile(this.jobId, file), this.ctl.signal)
      .then((u) => {
        this.url = u;
        this.info = {
          frame: still.frame,
          taskId: still.mergeTaskId ?? 0,
          state: 'done',
          thumb: null,
          full: file,
          seconds: null,
          error: null,
          errorTail: [],
          live: null,
          finishedAt: merge?.finishedAt ?? null,
          node: merge?.node ?? null,
          gpu: merge?.gpu ?? null,
        };
        const info = this.info;
        const img = h('img', {
          attrs: { src: u, alt: `frame ${still.frame}`, 'data-role': 'still-image' },
          on: { click: () => this.open(info) },
        });
        this.stage.prepend(img);
        this.stage.classList.add('merged');
        const link = this.download(file, name);
        link.setAttribute('href', u);
        replace(this.links, link);
      })
      .catch((err: Error) => {
        if (!this.ctl.signal.aborted) replace(this.links, `Could not load ${file}: ${err.message}`);
      })
      .finally(() => (this.loading = false));
  }

  /** A download of the file from the files route (fetched with the token when clicked). */
  private download(file: string, name: string): HTMLAnchorElement {
    const a = h(
      'a',
      {
        class: 'button',
        attrs: { 'data-action': 'download-still', 'data-file': jobFile(this.jobId, file) },
      },
      `Download ${name}`,
    );
    a.setAttribute('download', name);
    if (!this.url)
      a.addEventListener('click', (e) => {
        if (a.getAttribute('href')) return;
        e.preventDefault();
        blobUrl(jobFile(this.jobId, file), this.ctl.signal).then(
          (u) => {
            a.setAttribute('href', u);
            a.click();
          },
          () => {},
        );
      });
    return a;
  }

  close(): void {
    this.ctl.abort();
    if (this.url) URL.revokeObjectURL(this.url);
  }
}
