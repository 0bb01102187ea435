import { blobUrl, jobFile } from './api.js';
import { button, h, replace } from './dom.js';
import type { FrameInfo } from './format.js';

/** What the lightbox can do besides showing: step through frames, requeue one. */
export interface LightboxHost {
  jobId: string;
  /** The frames with a full image, in frame order (for previous/next). */
  frames(): FrameInfo[];
  requeue(f: FrameInfo): Promise<string>;
}

/**
 * A frame at full size over the page, with previous/next (buttons, ← →), requeue, download,
 * and close (the button, Escape, or a click on the picture or around it). One at a time.
 */
export function openLightbox(host: LightboxHost, start: FrameInfo): () => void {
  document.querySelector('.lightbox')?.remove();
  const ctl = new AbortController();
  let url: string | null = null;
  let current = start;
  const picture = h('div', { class: 'lb-picture' });
  const caption = h('p', { attrs: { 'data-role': 'lightbox-caption' } });
  const notice = h('span', { class: 'notice', attrs: { 'data-role': 'lightbox-notice' } });
  const download = h('a', { class: 'button', attrs: { 'data-action': 'download' } }, 'Download');
  const step = (by: number) => {
    const all = host.frames();
    const i = all.findIndex((f) => f.frame === current.frame);
    const next = all[i + by];
    if (next) show(next);
  };
  const close = () => {
    ctl.abort();
    if (url) URL.revokeObjectURL(url);
    document.removeEventListener('keydown', onKey);
    box.remove();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') close();
    else if (e.key === 'ArrowLeft') step(-1);
    else if (e.key === 'ArrowRight') step(1);
  };
  const controls = h(
    'div',
    { class: 'lb-controls actions' },
    button('← Previous', () => step(-1), { attrs: { 'data-action': 'previous' } }),
    button('Next →', () => step(1), { attrs: { 'data-action': 'next' } }),
    button(
      'Requeue',
      () =>
        void host.requeue(current).then((m) => {
          notice.className = `notice ${m.startsWith('Requeued') ? 'ok' : 'error'}`;
          replace(notice, m);
        }),
      { attrs: { 'data-action': 'lightbox-requeue' } },
    ),
    download,
    button('Close', close, { attrs: { 'data-action': 'close' } }),
    notice,
  );
  const box = h(
    'div',
    {
      class: 'lightbox',
      attrs: { 'data-role': 'lightbox', role: 'dialog', 'aria-label': 'frame' },
      on: {
        click: (e) => {
          if (!controls.contains(e.target as Node)) close();
        },
      },
    },
    picture,
    caption,
    controls,
  );
  const show = (f: FrameInfo) => {
    current = f;
    replace(notice);
    replace(caption, `Frame ${f.frame} · loading…`);
    if (!f.full) return replace(caption, `Frame ${f.frame} has no image yet.`);
    const full = f.full;
    blobUrl(jobFile(host.jobId, full), ctl.signal)
      .then((u) => {
        if (current !== f) return URL.revokeObjectURL(u);
        if (url) URL.revokeObjectURL(url);
        url = u;
        replace(picture, h('img', { attrs: { src: u, alt: `frame ${f.frame}` } }));
        download.setAttribute('href', u);
        download.setAttribute('download', full.split('/').pop() ?? 'frame');
        replace(
          caption,
          `Frame ${f.frame} · ${full}${f.seconds !== null ? ` · ${f.seconds.toFixed(2)} s` : ''}${f.node ? ` · ${f.node} GPU ${f.gpu ?? '?'}` : ''}`,
        );
      })
      .catch((err: Error) => {
        if (!ctl.signal.aborted) replace(caption, `Could not load ${full}: ${err.message}`);
      });
  };
  document.addEventListener('keydown', onKey);
  document.body.append(box);
  show(start);
  return close;
}
