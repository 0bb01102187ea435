import type {
  CoordinatorEvent,
  JobDetail,
  JobSummary,
  TaskView,
} from '../../coordinator/api-types.js';
import { api, ApiError, blobUrl, jobFile } from './api.js';
import { FrameTimeChart } from './chart.js';
import { h, replace, throttle } from './dom.js';
import { formatDuration, formatRate, framesOf, type FrameInfo } from './format.js';
import { FrameGrid } from './frame-grid.js';
import { jobActions } from './job-actions.js';
import {
  failedPanel,
  historyPanel,
  logsPanel,
  resultsPanel,
  serviceSlot,
  videoPanel,
} from './job-panels.js';
import { progressBar, stateBadge } from './jobs-view.js';
import { Timeline } from './timeline.js';
import type { View } from './view.js';

const PAGE = 2000;

async function allRenderTasks(id: string, state = ''): Promise<TaskView[]> {
  const out: TaskView[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const r = await api<{ total: number; tasks: TaskView[] }>(
      'GET',
      `/api/jobs/${encodeURIComponent(id)}/tasks?stage=render${state ? `&state=${state}` : ''}&offset=${offset}&limit=${PAGE}`,
    );
    out.push(...r.tasks);
    if (!r.tasks.length || out.length >= r.total) return out;
  }
}

function stat(label: string, value: string, role: string): HTMLElement {
  return h('div', {}, h('b', { attrs: { 'data-role': role } }, value), h('span', {}, label));
}

function lightbox(jobId: string, f: FrameInfo): void {
  if (!f.full) return;
  const caption = h('p', {}, `Frame ${f.frame} · loading ${f.full}…`);
  const box = h(
    'div',
    { class: 'lightbox', attrs: { 'data-role': 'lightbox' }, on: { click: () => box.remove() } },
    caption,
  );
  document.body.append(box);
  blobUrl(jobFile(jobId, f.full))
    .then((url) => {
      box.prepend(h('img', { attrs: { src: url, alt: `frame ${f.frame}` } }));
      replace(
        caption,
        `Frame ${f.frame} · ${f.full ?? ''}${f.seconds !== null ? ` · ${f.seconds.toFixed(2)} s` : ''} — click to close`,
      );
    })
    .catch((err: Error) => replace(caption, `Could not load ${f.full ?? ''}: ${err.message}`));
}

/** One job: header and actions, frame grid, failed frames, timeline, chart, history, video, logs. */
export function jobView(id: string): View {
  const tasks = new Map<number, TaskView>();
  let frames: FrameInfo[] = [];
  const head = h('div');
  const statsEl = h('div', { class: 'stats' });
  const slot = h('div');
  let actions: ReturnType<typeof jobActions> | null = null;
  const failed = failedPanel(async (frame) => {
    try {
      await api<JobDetail>(
        'POST',
        `/api/jobs/${encodeURIComponent(id)}/retry`,
        frame === null ? {} : { frames: String(frame) },
      );
      void reloadTasks();
      return frame === null ? 'Requeued every failed frame' : `Requeued frame ${frame}`;
    } catch (err) {
      return `Requeue failed: ${err instanceof ApiError ? err.message : String(err)}`;
    }
  });
  const grid = new FrameGrid(id, (f) => {
    grid.select(f.frame);
    if (f.state === 'done') lightbox(id, f);
    else if (f.state === 'failed')
      failed.el
        .querySelector(`[data-failed-frame="${f.frame}"]`)
        ?.scrollIntoView({ block: 'nearest' });
  });
  const timeline = new Timeline();
  const chart = new FrameTimeChart();
  const history = historyPanel();
  const video = videoPanel(id);
  const logs = logsPanel(id);

  const el = h(
    'div',
    {},
    h('div', { class: 'panel' }, head, statsEl),
    slot,
    h(
      'div',
      { class: 'cols' },
      h('div', { class: 'panel' }, h('h2', {}, 'Frames'), grid.el),
      h('div', {}, failed.el, video.el),
    ),
    h(
      'div',
      { class: 'cols2' },
      h('div', { class: 'panel' }, h('h2', {}, 'Per-GPU timeline'), timeline.el),
      h('div', { class: 'panel' }, h('h2', {}, 'Render time by frame'), chart.el),
    ),
    h('div', { class: 'cols2' }, history.el, logs.el),
  );

  const showSummary = (s: JobSummary) => {
    if (!actions) {
      actions = jobActions(s, (d) => void applyDetail(d));
      replace(
        head,
        h(
          'div',
          { class: 'job-head' },
          h(
            'div',
            {},
            h('h1', { attrs: { 'data-role': 'job-name' } }, s.name),
            h('div', { class: 'muted mono' }, `${s.id} · ${s.kind}`),
          ),
          actions.el,
        ),
      );
    }
    actions.update(s);
    replace(
      statsEl,
      h('div', {}, stateBadge(s.state), ' ', progressBar(s.progress)),
      stat('frames done', `${s.progress.done}/${s.progress.total}`, 'done'),
      stat('failed', String(s.progress.failed), 'failed'),
      stat('rendering', String(s.progress.leased), 'leased'),
      stat('rate', formatRate(s.ratePerMinute), 'rate'),
      stat('ETA', formatDuration(s.etaSeconds), 'eta'),
      stat('nodes', s.nodes.join(', ') || '—', 'nodes'),
      stat('GPUs', String(s.gpus), 'gpus'),
      stat('stage', s.stage, 'stage'),
      s.error ? h('div', { class: 'notice error' }, s.error) : null,
    );
  };

  const applyDetail = (d: JobDetail) => {
    showSummary(d);
    replace(slot, serviceSlot(d), resultsPanel(d));
    failed.update(d);
    history.update(d);
    video.update(d);
    logs.update(d);
  };

  const redrawFrames = throttle(() => {
    const list = [...tasks.values()];
    frames = list.flatMap(framesOf).sort((a, b) => a.frame - b.frame);
    grid.setFrames(frames);
    timeline.draw(list);
    chart.draw(frames);
  }, 300);

  const reloadTasks = async () => {
    const list = await allRenderTasks(id);
    tasks.clear();
    for (const t of list) tasks.set(t.id, t);
    redrawFrames();
  };

  // Leases are not announced one by one: refetch the leased set as the job moves.
  const refreshLeased = async () => {
    const leased = await allRenderTasks(id, 'leased');
    const ids = new Set(leased.map((t) => t.id));
    for (const t of tasks.values())
      if (t.state === 'leased' && !ids.has(t.id)) tasks.set(t.id, { ...t, state: 'queued' });
    for (const t of leased) tasks.set(t.id, t);
    redrawFrames();
  };

  const refreshDetail = throttle(() => {
    void api<JobDetail>('GET', `/api/jobs/${encodeURIComponent(id)}`).then(applyDetail);
    void refreshLeased();
    logs.refresh();
  }, 1000);
  const fullReload = throttle(() => void reloadTasks(), 1000);

  return {
    el,
    async load() {
      const [d] = await Promise.all([
        api<JobDetail>('GET', `/api/jobs/${encodeURIComponent(id)}`),
        reloadTasks(),
      ]);
      applyDetail(d);
      logs.refresh();
    },
    onEvent(e: CoordinatorEvent) {
      if (e.type === 'cluster:updated' || e.jobId !== id) return;
      if (e.type === 'task:updated') {
        if (e.task.stage === 'render') tasks.set(e.task.id, e.task);
        redrawFrames();
      } else if (e.type === 'job:updated') {
        showSummary(e.summary);
        refreshDetail();
      } else {
        if (e.event.type === 'job:retried' || e.event.type.startsWith('task:')) fullReload();
        refreshDetail();
      }
    },
    close() {
      grid.close();
      video.close();
      document.querySelector('.lightbox')?.remove();
    },
  };
}
