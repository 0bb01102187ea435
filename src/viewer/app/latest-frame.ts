import { h, setText } from './dom.js';
import type { FrameInfo } from './format.js';
import type { ThumbCache } from './thumbs.js';

/**
 * The most recently finished frame, large (its thumbnail, which the grid fetched already:
 * showing it costs no request); a click opens it full size.
 */
export class LatestFrame {
  readonly el: HTMLElement;
  private readonly box: HTMLElement;
  private readonly caption: HTMLElement;
  private current: FrameInfo | null = null;

  constructor(
    private readonly thumbs: ThumbCache,
    onOpen: (f: FrameInfo) => void,
  ) {
    this.box = h('div', {
      class: 'latest-img',
      attrs: { 'data-role': 'latest-frame' },
      on: { click: () => this.current && onOpen(this.current) },
    });
    this.caption = h('div', { class: 'muted' }, 'No frame has finished yet.');
    this.el = h(
      'div',
      { class: 'panel latest' },
      h('h2', {}, 'Latest frame'),
      this.box,
      this.caption,
    );
  }

  /** Shows the newest done frame of `frames` (by finish time), once its thumbnail is here. */
  update(frames: readonly FrameInfo[]): void {
    let newest: FrameInfo | null = null;
    for (const f of frames)
      if (
        f.state === 'done' &&
        f.thumb &&
        this.thumbs.get(f.thumb) &&
        (f.finishedAt ?? 0) >= (newest?.finishedAt ?? 0)
      )
        newest = f;
    if (!newest || newest.thumb === null) return;
    const url = this.thumbs.get(newest.thumb);
    if (!url) return;
    this.current = newest;
    const img = this.box.querySelector('img');
    if (img?.getAttribute('src') !== url)
      this.box.replaceChildren(h('img', { attrs: { src: url, alt: `frame ${newest.frame}` } }));
    setText(
      this.caption,
      `Frame ${newest.frame}${newest.seconds !== null ? ` · ${newest.seconds.toFixed(2)} s` : ''}${newest.node ? ` · ${newest.node} GPU ${newest.gpu ?? '?'}` : ''}`,
    );
  }
}
