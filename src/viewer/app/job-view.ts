// One file, over 8 KB: every panel of the page is fed from the same state (the job, its tasks,
// its frames) by the one stream below; apart, each would need that state handed to it.
import type {
  CoordinatorEvent,
  FailedTask,
  JobDetail,
  JobPanel,
  JobSummary,
  TaskView,
} from '../../api/types.js';
import { api, ApiError } from './api.js';
import { FrameTimeChart } from './chart.js';
import { h, replace, throttle } from './dom.js';
import { failedPanel } from './failed-panel.js';
import { framesOf, type FrameInfo } from './format.js';
import { FrameGrid } from './frame-grid.js';
import { historyPanel } from './history-panel.js';
import { jobActions, type JobActions } from './job-actions.js';
import { JobStats } from './job-stats.js';
import { LatestFrame } from './latest-frame.js';
import { openLightbox } from './lightbox.js';
import { logsPanel } from './logs-panel.js';
import { resultsPanel, serviceSlot } from './results-panel.js';
import { StillPanel } from './still-panel.js';
import { TaskTable } from './task-table.js';
import { ThumbCache } from './thumbs.js';
import { Timeline } from './timeline.js';
import { videoPanel } from './video-panel.js';
import type { View } from './view.js';

const panel = (title: string, ...body: (HTMLElement | null)[]) =>
  h('div', { class: 'panel' }, h('h2', {}, title), ...body);

/**
 * One job, laid out with the panels its job type declares: renders get the frame wall, the latest
 * frame, a lightbox, the render-time chart and the video; a tiled still its tiles and image; task
 * jobs their results and tasks; a service its address. Everything live comes from the job's own stream, applied in order;
 * leaving the page closes it and every request it started.
 */
export function jobView(id: string): View {
  const route = `/api/jobs/${encodeURIComponent(id)}`;
  const tasks = new Map<number, TaskView>();
  let detail: JobDetail | null = null;
  let streamed = false;
  let closed = false;
  let frames: FrameInfo[] = [];
  let actions: JobActions | null = null;
  let built = false;
  // Whether the page has the frame wall (and so the frames to draw on it).
  let wall = false;
  // The newest summary from the stream, and when it came (a slower GET must not undo it).
  let summary: { s: JobSummary; at: number } | null = null;

  const thumbs = new ThumbCache(id, () => {
    grid.schedule();
    latest.update(frames);
  });
  const stats = new JobStats();
  const head = h('div', { class: 'job-head' });
  const body = h('div');
  const el = h('div', {}, h('div', { class: 'panel' }, head, stats.el), body);

  const say = (done: string, p: Promise<unknown>) =>
    p.then(
      () => done,
      (err) =>
        `${done.split(' ')[0]} failed: ${err instanceof ApiError ? err.message : String(err)}`,
    );
  const requeue = (taskId: number, name: string) =>
    say(`Requeued ${name}`, api('POST', `${route}/task/requeue`, { id: taskId }));
  const cancelTask = (t: TaskView) =>
    say(`Cancelled ${t.name}`, api('POST', `${route}/task/cancel`, { id: t.id }));
  const logs = logsPanel(id);
  const failed = failedPanel(
    (t: FailedTask | null) =>
      t
        ? requeue(t.taskId, t.name)
        : say('Requeued every failed task', api('POST', `${route}/retry`, {})),
    (t) => logs.showTask(t.taskId, t.name),
  );
  const table = new TaskTable({
    log: (t) => logs.showTask(t.id, t.name),
    requeue: (t) => requeue(t.id, t.name),
    cancel: cancelTask,
  });
  const lightboxHost = {
    jobId: id,
    frames: () => frames.filter((f) => f.state === 'done' && f.full),
    requeue: (f: FrameInfo) => requeue(f.taskId, `frame ${f.frame}`),
  };
  let closeLightbox: (() => void) | null = null;
  const open = (f: FrameInfo) => {
    closeLightbox = openLightbox(lightboxHost, f);
  };
  const grid = new FrameGrid(thumbs, (f) => {
    grid.select(f.frame);
    if (f.state === 'done') open(f);
    else if (f.state === 'failed')
      failed.el
        .querySelector(`[data-failed-frame="${f.frame}"]`)
        ?.scrollIntoView({ block: 'nearest' });
  });
  const latest = new LatestFrame(thumbs, open);
  const still = new StillPanel(id, (f) => {
    closeLightbox = openLightbox(
      { jobId: id, frames: () => still.frames(), requeue: (x) => requeue(x.taskId, 'the merge') },
      f,
    );
  });
  const timeline = new Timeline();
  const chart = new FrameTimeChart();
  const history = historyPanel();
  const video = videoPanel(id);
  const results = h('div');

  /** Lays the page out with the job's panels, once. */
  const build = (d: JobDetail) => {
    if (built) return;
    built = true;
    const has = (p: JobPanel) => d.presentation.panels.includes(p);
    wall = has('frames');
    actions = jobActions(d, { onDone: (x) => applyDetail(x) });
    replace(
      head,
      h(
        'div',
        { class: 'job-title' },
        h('h1', { attrs: { 'data-role': 'job-name' } }, d.name),
        h('div', { class: 'muted mono' }, `${d.id} · ${d.kind}`),
      ),
      actions.el,
    );
    const timelinePanel = panel('Per-GPU timeline', timeline.el);
    const lower = h('div', { class: 'cols2' }, history.el, logs.el);
    if (wall)
      replace(
        body,
        h(
          'div',
          { class: 'cols' },
          h('div', { class: 'panel frames-panel' }, h('h2', {}, 'Frames'), grid.el),
          h('div', {}, latest.el, failed.el, has('video') ? video.el : null),
        ),
        table.el,
        h('div', { class: 'cols2' }, timelinePanel, panel('Render time by frame', chart.el)),
        lower,
      );
    else if (has('still'))
      replace(
        body,
        h('div', { class: 'cols' }, still.el, h('div', {}, timelinePanel, failed.el)),
        table.el,
        lower,
      );
    else if (has('tasks'))
      replace(
        body,
        results,
        h('div', { class: 'cols' }, table.el, failed.el),
        timelinePanel,
        lower,
      );
    else replace(body, results, lower);
  };

  const showSummary = (s: JobSummary) => {
    stats.update(s);
    actions?.update(s);
    if (detail) detail = { ...detail, ...s };
  };

  const applyDetail = (d: JobDetail) => {
    detail = d;
    build(d);
    showSummary(d);
    replace(results, serviceSlot(d), resultsPanel(d));
    if (!streamed) failed.update(d.unit, d.failedTasks);
    history.update(d);
    video.update(d);
    logs.update(d);
    actions?.progress(d, [...tasks.values()]);
    actions?.policy(d);
    still.update(d.still, tasks);
  };

  const redraw = throttle(() => {
    const list = [...tasks.values()].sort((a, b) => a.id - b.id);
    if (wall) {
      frames = list
        .filter((t) => t.frames.length)
        .flatMap(framesOf)
        .sort((a, b) => a.frame - b.frame);
      grid.setFrames(frames);
      latest.update(frames);
      chart.draw(frames);
    }
    timeline.draw(list, detail?.finishedAt ?? null);
    still.update(detail?.still, tasks);
    table.update(list, detail?.state === 'running' || detail?.state === 'queued');
    failed.update(
      detail?.unit ?? 'tasks',
      list.filter((t) => t.state === 'failed').map(failedTask),
    );
    if (detail) actions?.progress(detail, list);
  }, 250);

  // Allocations, agents and stages change with history events: read the job again, at most every 2 s.
  let answeredAsOf = 0;
  const refetch = throttle(() => {
    if (closed) return;
    const asked = Date.now();
    api<JobDetail>('GET', route).then(
      (d) => {
        // Answers can overtake each other on a busy coordinator: an older one never wins.
        if (closed || asked < answeredAsOf) return;
        answeredAsOf = asked;
        const newer = summary && summary.at > asked ? summary.s : {};
        applyDetail({ ...d, ...newer, events: mergeEvents(d.events, detail?.events ?? []) });
      },
      () => {},
    );
    logs.refresh();
  }, 2000);

  const ticker = window.setInterval(() => {
    if (detail?.finishedAt !== null) return;
    stats.tick();
    table.tick();
    if (wall) grid.tick();
    actions?.tick();
  }, 1000);

  return {
    el,
    stream: `${route}/stream`,
    async load() {
      const d = await api<JobDetail>('GET', route);
      // The stream's snapshot is newer than this answer once it has come.
      if (!streamed && !closed) applyDetail(d);
      logs.refresh();
    },
    onEvent(e: CoordinatorEvent) {
      if (closed || e.type === 'cluster:updated' || e.jobId !== id) return;
      if (e.type === 'job:snapshot') {
        streamed = true;
        tasks.clear();
        for (const t of e.tasks) tasks.set(t.id, t);
        applyDetail(e.detail);
        redraw();
      } else if (e.type === 'task:updated') {
        tasks.set(e.task.id, e.task);
        redraw();
        // A finished task may add a row to the results, which only the job's detail carries.
        if (!wall && e.task.state === 'done') refetch();
      } else if (e.type === 'job:updated') {
        summary = { s: e.summary, at: Date.now() };
        showSummary(e.summary);
        redraw();
      } else if (detail) {
        detail = { ...detail, events: mergeEvents(detail.events, [e.event]) };
        history.update(detail);
        refetch();
      }
    },
    close() {
      closed = true;
      redraw.cancel();
      refetch.cancel();
      window.clearInterval(ticker);
      thumbs.close();
      grid.close();
      timeline.close();
      still.close();
      chart.close();
      video.close();
      logs.close();
      closeLightbox?.();
    },
  };
}

function failedTask(t: TaskView): FailedTask {
  return {
    taskId: t.id,
    name: t.name,
    frames: t.frames,
    error: t.error ?? 'failed',
    errorTail: t.errorTail,
  };
}

/** Events by id, oldest first, the last 200. */
function mergeEvents(a: JobDetail['events'], b: JobDetail['events']): JobDetail['events'] {
  const byId = new Map([...a, ...b].map((e) => [e.id, e]));
  return [...byId.values()].sort((x, y) => x.id - y.id).slice(-200);
}
