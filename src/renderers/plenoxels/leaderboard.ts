/** One row of a sweep's results table. */
export interface LeaderboardRow {
  task: string;
  variables: Record<string, string>;
  psnr?: number;
  ssim?: number;
  lpips?: number;
  minutes?: number;
  /** Where it ran, e.g. "node3:1". */
  gpu?: string;
}

/** Rows sorted best PSNR first; rows without a PSNR last; ties by task name. */
export function rankRows(rows: readonly LeaderboardRow[]): LeaderboardRow[] {
  const key = (r: LeaderboardRow): number =>
    r.psnr === undefined || Number.isNaN(r.psnr) ? -Infinity : r.psnr;
  return [...rows].sort((a, b) => key(b) - key(a) || a.task.localeCompare(b.task));
}

// autotune.py prints metrics with 10 decimals and ERR where a file is missing
const num = (v: number | undefined): string => (v === undefined ? 'ERR' : v.toFixed(10));
const cell = (s: string): string => s.replace(/[\t\r\n]+/g, ' ');

/** The leaderboard as TSV: a header, then one line per task, best PSNR first. */
export function leaderboardTsv(rows: readonly LeaderboardRow[]): string {
  const lines = ['rank\ttask\tvariables\tpsnr\tssim\tlpips\tminutes\tgpu'];
  rankRows(rows).forEach((r, i) => {
    const vars = Object.entries(r.variables)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    lines.push(
      [
        String(i + 1),
        cell(r.task),
        cell(vars),
        num(r.psnr),
        num(r.ssim),
        num(r.lpips),
        num(r.minutes),
        cell(r.gpu ?? ''),
      ].join('\t'),
    );
  });
  return `${lines.join('\n')}\n`;
}

/** The leaderboard as JSON: `{ rows: [...] }`, best PSNR first, missing metrics as null. */
export function leaderboardJson(rows: readonly LeaderboardRow[]): string {
  const ranked = rankRows(rows).map((r, i) => ({
    rank: i + 1,
    task: r.task,
    variables: r.variables,
    psnr: r.psnr ?? null,
    ssim: r.ssim ?? null,
    lpips: r.lpips ?? null,
    minutes: r.minutes ?? null,
    gpu: r.gpu ?? null,
  }));
  return `${JSON.stringify({ rows: ranked }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
