import type { JobSummary } from '../../api/types.js';
import { h, replace, setAttr, setHidden, setText } from './dom.js';
import { progressBar, stateBadge } from './jobs-view.js';
import { doneText, etaText, formatDuration, elapsedAt, rateText, unitWord } from './pace-text.js';

function stat(
  label: string,
  role: string,
): { el: HTMLElement; value: HTMLElement; label: HTMLElement } {
  const value = h('b', { attrs: { 'data-role': role } });
  const text = h('span', {}, label);
  return { el: h('div', {}, value, text), value, label: text };
}

/**
 * A job's numbers at a glance: state, progress in its unit, failed and cancelled apart, rate,
 * ETA (counting down between updates), time so far (or in all), nodes, GPUs, stage.
 */
export class JobStats {
  readonly el = h('div', { class: 'stats' });
  private readonly head = h('div');
  private readonly error = h('div', { class: 'notice error' });
  private readonly waiting = h('div', {
    class: 'waiting-reason',
    attrs: { 'data-role': 'waiting' },
  });
  private readonly s = {
    done: stat('done', 'done'),
    failed: stat('failed', 'failed'),
    cancelled: stat('cancelled', 'cancelled'),
    leased: stat('running', 'leased'),
    rate: stat('rate', 'rate'),
    eta: stat('ETA', 'eta'),
    time: stat('elapsed', 'time'),
    nodes: stat('nodes', 'nodes'),
    gpus: stat('GPUs', 'gpus'),
    stage: stat('stage', 'stage'),
    priority: stat('priority', 'priority'),
  };
  private summary: JobSummary | null = null;
  private headKey = '';

  constructor() {
    this.el.append(this.head, this.waiting, ...Object.values(this.s).map((x) => x.el), this.error);
  }

  update(s: JobSummary): void {
    this.summary = s;
    const key = JSON.stringify([s.state, s.waiting, s.suspendedAt, s.progress]);
    if (key !== this.headKey) replace(this.head, stateBadge(s), ' ', progressBar(s.progress));
    setText(this.waiting, s.waiting?.reason ?? '');
    setHidden(this.waiting, !s.waiting);
    setText(this.s.priority.value, String(s.priority));
    this.headKey = key;
    const frames = s.unit === 'frames' || s.unit === 'views';
    const session = s.unit === 'session';
    setText(this.s.done.label, `${unitWord(s.unit)} done`);
    setText(this.s.done.value, `${s.progress.done}/${s.progress.total}`);
    setAttr(this.s.done.el, 'title', doneText(s.progress, s.unit));
    setText(this.s.failed.value, String(s.progress.failed));
    setText(this.s.cancelled.value, String(s.progress.cancelled));
    setHidden(this.s.cancelled.el, s.progress.cancelled === 0);
    setText(this.s.leased.label, frames ? 'rendering' : 'running');
    setText(this.s.leased.value, String(s.progress.leased));
    for (const k of ['done', 'failed', 'leased', 'rate', 'eta'] as const)
      this.s[k].el.hidden = session;
    setText(this.s.rate.value, rateText(s));
    setText(this.s.nodes.value, s.nodes.join(', ') || '—');
    setText(this.s.gpus.value, String(s.gpus));
    setText(this.s.stage.value, s.stage || '—');
    setText(this.error, s.error ?? '');
    setHidden(this.error, !s.error);
    this.tick();
  }

  /** Counts the ETA down and the time up (every second while the job runs). */
  tick(): void {
    const s = this.summary;
    if (!s) return;
    const now = Date.now();
    setText(this.s.eta.value, etaText(s, now));
    setText(this.s.time.label, s.finishedAt === null ? 'elapsed' : 'total time');
    setText(this.s.time.value, formatDuration(elapsedAt(s, now)));
  }
}
