/** Autoscaling on a job's page, as text: its target finish and how the job stands against it. */
import type { AutoScaleSpec, JobSummary } from '../../api/types.js';
import { formatDuration } from './pace-text.js';

/** How the page and the CLI write a target: `3m`, `1h30m`, `90s`, `90` (seconds). */
export function formatTarget(seconds: number | undefined): string {
  if (!seconds) return '';
  const s = Math.round(seconds);
  const parts: string[] = [];
  if (s >= 3600) parts.push(`${Math.floor(s / 3600)}h`);
  if (s % 3600 >= 60) parts.push(`${Math.floor((s % 3600) / 60)}m`);
  if (s % 60 || !parts.length) parts.push(`${s % 60}s`);
  return parts.join('');
}

/**
 * Reads a target finish typed on the page: empty is none (undefined); `3m`, `1h30m`, `90s`,
 * `2 min`, a bare number (seconds). Throws saying what to write instead.
 */
export function parseTarget(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (!t) return undefined;
  const unit: Record<string, number> = { h: 3600, m: 60, min: 60, s: 1, '': 1 };
  const re = /(\d+(?:\.\d+)?)\s*(h|min|m|s|)\s*/gy;
  let seconds = 0;
  let at = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    seconds += Number(m[1]) * (unit[m[2] ?? ''] ?? 1);
    at = re.lastIndex;
  }
  if (at !== t.length || seconds <= 0)
    throw new Error(`target finish "${text}": write a duration such as 3m, 1h30m or 90s`);
  return seconds;
}

/** The request that turns autoscaling on from the boxes: the target kept unless changed. */
export function autoRequest(
  current: AutoScaleSpec | null,
  boxes: { min: string; max: string; target: string },
): AutoScaleSpec {
  const min = Number(boxes.min);
  const max = Number(boxes.max);
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min)
    throw new Error('autoscaling: give whole numbers with 1 ≤ min ≤ max');
  const target = parseTarget(boxes.target);
  return {
    ...(current?.idleSeconds !== undefined ? { idleSeconds: current.idleSeconds } : {}),
    min,
    max,
    ...(target !== undefined ? { targetFinishSeconds: target } : {}),
  };
}

/**
 * How the job stands against its target finish (seconds from submission): met or missed and by
 * how much once it ended, past it while it runs, else the time left; null without a target.
 */
export function targetText(
  auto: AutoScaleSpec | null,
  job: Pick<JobSummary, 'state' | 'createdAt' | 'finishedAt'>,
  now: number,
): { text: string; tone: 'ok' | 'warn' | 'error' | 'muted' } | null {
  const target = auto?.targetFinishSeconds;
  if (!target) return null;
  const goal = formatDuration(target);
  const ended = job.finishedAt !== null;
  const took = ((job.finishedAt ?? now) - job.createdAt) / 1000;
  const over = took - target;
  if (ended && job.state !== 'succeeded')
    return {
      text: `Target finish ${goal}: the job ${job.state} after ${formatDuration(took)}`,
      tone: 'muted',
    };
  if (ended)
    return over > 0
      ? {
          text: `Target finish ${goal} missed by ${formatDuration(over)} (finished in ${formatDuration(took)})`,
          tone: 'error',
        }
      : { text: `Target finish ${goal} met (finished in ${formatDuration(took)})`, tone: 'ok' };
  return over > 0
    ? { text: `Past the target finish ${goal} by ${formatDuration(over)}`, tone: 'warn' }
    : { text: `Target finish ${goal}: ${formatDuration(-over)} left`, tone: 'muted' };
}
