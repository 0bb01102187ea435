import type { ResultRow } from '../../api/types.js';
import type { TaskRow } from '../store/types.js';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * One results-table row of a task: its name and variables (as the job type reads them from the
 * payload), its state, the metrics its result holds, and where it ran.
 */
export function resultRow(
  t: TaskRow,
  name: string | undefined,
  variables: Record<string, unknown> | undefined,
): ResultRow {
  const r = t.result ?? {};
  const seconds = num(r.seconds);
  return {
    task: name ?? `task-${t.id}`,
    state: t.state,
    variables: Object.fromEntries(
      Object.entries(variables ?? {})
        .filter(([k]) => k !== 'id')
        .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    ),
    psnr: num(r.psnr),
    ssim: num(r.ssim),
    lpips: num(r.lpips),
    minutes: num(r.minutes) ?? (seconds === null ? null : seconds / 60),
    gpu: t.node && t.gpu !== null ? `${t.node}:${t.gpu}` : null,
  };
}
