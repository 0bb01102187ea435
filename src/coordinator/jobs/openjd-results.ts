import type { ResultRow } from '../../api/types.js';
import type { TaskRow } from '../store/types.js';
import { resultRow } from './result-rows.js';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

interface PayloadView {
  step?: unknown;
  stepIndex?: unknown;
  index?: unknown;
  label?: unknown;
  params?: Record<string, { value?: unknown }>;
}

/** One row per task of an OpenJD job, in run order (step by step, tasks in step order). */
export function openjdResults(tasks: readonly TaskRow[]): ResultRow[] {
  const keyed = tasks.map((t) => {
    const p = t.payload as PayloadView;
    const params = Object.fromEntries(
      Object.entries(p.params ?? {}).map(([k, v]) => [k, text(v.value) ?? '']),
    );
    const r = t.result ?? {};
    const metrics = (typeof r.metrics === 'object' && r.metrics ? r.metrics : {}) as Record<
      string,
      unknown
    >;
    const row: ResultRow = {
      ...resultRow(t, text(p.label) ?? undefined, params),
      step: text(p.step) ?? t.stage,
      stepIndex: num(p.stepIndex) ?? 0,
      exitCode: num(r.exitCode),
      seconds: num(r.seconds),
      bytesWritten: num(r.bytesWritten),
      progress: num(r.progress),
      status: text(r.status),
      failMessage: text(r.failMessage) ?? (t.state === 'failed' ? t.error : null),
      metrics: Object.fromEntries(
        Object.entries(metrics).flatMap(([k, v]) => (num(v) === null ? [] : [[k, v as number]])),
      ),
    };
    return { row, at: [num(p.stepIndex) ?? 0, num(p.index) ?? t.seq] as const };
  });
  keyed.sort((a, b) => a.at[0] - b.at[0] || a.at[1] - b.at[1]);
  return keyed.map((k) => k.row);
}

const MB = 1024 * 1024;

/** A line per step: tasks done and failed, task time, bytes written, and the metrics summed. */
export function openjdStepNotes(rows: readonly ResultRow[]): string[] {
  const steps = new Map<string, ResultRow[]>();
  for (const r of rows) steps.set(r.step ?? '', [...(steps.get(r.step ?? '') ?? []), r]);
  return [...steps].map(([step, rs]) => {
    const done = rs.filter((r) => r.state === 'done').length;
    const seconds = rs.reduce((s, r) => s + (r.seconds ?? 0), 0);
    const bytes = rs.reduce((s, r) => s + (r.bytesWritten ?? 0), 0);
    const metrics = new Map<string, number>();
    for (const r of rs)
      for (const [k, v] of Object.entries(r.metrics ?? {}))
        metrics.set(k, (metrics.get(k) ?? 0) + v);
    const m = [...metrics].map(([k, v]) => `${k}=${Number(v.toPrecision(6))}`).join(' ');
    return `step ${step}: ${done}/${rs.length} task(s) done, ${seconds.toFixed(1)} s of task time, ${(bytes / MB).toFixed(1)} MiB written${m ? `, metrics ${m}` : ''}`;
  });
}
