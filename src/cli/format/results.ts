import type { ResultRow } from '../../api/types.js';
import { table } from './table.js';

const metric = (v: number | null, digits: number): string => (v === null ? '-' : v.toFixed(digits));

/** A results table: task, variables, the metrics some task has, minutes, GPU (and state). */
export function formatResults(rows: readonly ResultRow[]): string {
  const has = (k: 'psnr' | 'ssim' | 'lpips') => rows.some((r) => r[k] !== null);
  const metrics = (['psnr', 'ssim', 'lpips'] as const).filter(has);
  const digits = { psnr: 3, ssim: 4, lpips: 4 };
  return table([
    ['TASK', 'VARIABLES', ...metrics.map((m) => m.toUpperCase()), 'MINUTES', 'GPU', 'STATE'],
    ...rows.map((r) => [
      r.task,
      Object.entries(r.variables)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || '-',
      ...metrics.map((m) => metric(r[m], digits[m])),
      metric(r.minutes, 2),
      r.gpu ?? '-',
      r.state === 'leased' ? 'running' : r.state,
    ]),
  ]);
}
