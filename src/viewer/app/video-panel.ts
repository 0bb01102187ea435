import type { JobDetail } from '../../api/types.js';
import { blobUrl, jobFile } from './api.js';
import { h, replace } from './dom.js';

/** The MP4 of a render once it exists, fetched with the token as a blob. */
export function videoPanel(jobId: string): {
  el: HTMLElement;
  update(d: JobDetail): void;
  close(): void;
} {
  const body = h('p', { class: 'muted' }, 'The video appears here once every frame is in.');
  let loaded: string | null = null;
  let url: string | null = null;
  const ctl = new AbortController();
  return {
    el: h('div', { class: 'panel' }, h('h2', {}, 'Video'), body),
    update(d) {
      if (!d.video) {
        const encode = d.stages.find((s) => s.name === 'encode');
        const text =
          encode?.state === 'ready'
            ? 'Encoding the video now…'
            : d.state === 'running'
              ? 'The video appears here once every frame is in.'
              : 'No video: the render did not finish.';
        if (body.textContent !== text) replace(body, text);
        return;
      }
      if (d.video === loaded) return;
      loaded = d.video;
      const video = d.video;
      replace(body, 'Loading video…');
      blobUrl(jobFile(jobId, video), ctl.signal)
        .then((u) => {
          url = u;
          replace(
            body,
            h('video', {
              attrs: { src: u, controls: '', preload: 'metadata', 'data-role': 'video' },
            }),
            h('div', { class: 'muted mono' }, video),
          );
        })
        .catch((err: Error) => {
          if (!ctl.signal.aborted) replace(body, `Could not load the video: ${err.message}`);
        });
    },
    close() {
      ctl.abort();
      if (url) URL.revokeObjectURL(url);
    },
  };
}
