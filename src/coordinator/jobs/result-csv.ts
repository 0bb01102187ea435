import type { ResultRow } from '../../api/types.js';

/** A CSV cell: quoted when needed; text a spreadsheet would run as a formula is kept as text. */
function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) && !/^-?\d/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The results as CSV (RFC 4180), one row per task: step, task, state, exit code, seconds, bytes
 * written, progress, status, fail message, where it ran, PSNR/SSIM/LPIPS where any row has
 * them, then a `param:NAME` column per task
 * parameter and a `metric:NAME` column per reported metric (empty where a task has none).
 */
export function resultsCsv(rows: readonly ResultRow[]): string {
  const params = [...new Set(rows.flatMap((r) => Object.keys(r.variables)))];
  const metrics = [...new Set(rows.flatMap((r) => Object.keys(r.metrics ?? {})))];
  // quality columns for the kinds that have them (Plenoxels sweeps)
  const quality = (['psnr', 'ssim', 'lpips'] as const).filter((k) =>
    rows.some((r) => r[k] !== null),
  );
  const head = [
    'step',
    'task',
    'state',
    'exit_code',
    'seconds',
    'bytes_written',
    'progress',
    'status',
    'fail_message',
    'gpu',
    ...quality,
    ...params.map((p) => `param:${p}`),
    ...metrics.map((m) => `metric:${m}`),
  ];
  const lines = rows.map((r) =>
    [
      r.step ?? '',
      r.task,
      r.state,
      r.exitCode,
      r.seconds ?? (r.minutes === null ? null : r.minutes * 60),
      r.bytesWritten,
      r.progress,
      r.status,
      r.failMessage,
      r.gpu,
      ...quality.map((k) => r[k]),
      ...params.map((p) => r.variables[p]),
      ...metrics.map((m) => r.metrics?.[m]),
    ]
      .map(cell)
      .join(','),
  );
  return [head.map(cell).join(','), ...lines].join('\r\n') + '\r\n';
}
