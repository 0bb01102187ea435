import cliProgress from 'cli-progress';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobDetail } from '../../api/types.js';
import { etaText, rateText, timeText, unitWord } from '../../viewer/app/pace-text.js';

/** What following a job needs to know of it (a short answer, even over SSM). */
export type FollowedJob = Pick<
  JobDetail,
  | 'id'
  | 'state'
  | 'stage'
  | 'progress'
  | 'unit'
  | 'ratePerMinute'
  | 'etaSeconds'
  | 'asOf'
  | 'createdAt'
  | 'startedAt'
  | 'waiting'
  | 'finishedAt'
  | 'error'
  | 'allocations'
>;

/** The fields of `FollowedJob`, for `status --json --fields`. */
export const FOLLOWED_FIELDS = [
  'id',
  'state',
  'stage',
  'progress',
  'unit',
  'ratePerMinute',
  'etaSeconds',
  'asOf',
  'createdAt',
  'startedAt',
  'waiting',
  'finishedAt',
  'error',
  'allocations',
] as const satisfies readonly (keyof FollowedJob)[];

/** How `waitForJob` shows progress: a bar on a terminal, else a line per change to `log`. */
export interface WaitOptions {
  bar: boolean;
  log?: (line: string) => void;
  /** Between reads (default 1 s). */
  pollMs?: number;
  /** Flags the follow-up commands need to reach the same job (`--cluster NAME`). */
  reach?: string;
}

/** What to say when a user stops following a job that goes on running. */
export function stillRunning(id: string, reach = ''): string {
  return `Stopped following ${id}; it goes on running on the cluster. Follow it with \`cluster-tool status ${id}${reach} --watch\`, or stop it with \`cluster-tool cancel ${id}${reach}\`.`;
}

/**
 * The bar `submit --wait` draws. Its ETA is the coordinator's (`etaText`: `—` while no rate is
 * known), under a name of its own: cli-progress fills `{eta}` itself, from the bar's own pace,
 * and says `INF` before it has one.
 */
export function progressBar(opts: cliProgress.Options = {}): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    { format: ' {bar} {value}/{total} {unit} | {rate} | ETA {left} | {time} | {state}', ...opts },
    cliProgress.Presets.shades_classic,
  );
}

/** What the bar shows of a job at `now`, by the names its format uses. */
export function barFields(j: FollowedJob, now: number) {
  return {
    unit: unitWord(j.unit, j.progress.total),
    rate: rateText(j),
    left: etaText(j, now),
    time: timeText(j, now),
    state: j.waiting ? j.waiting.reason : `${j.state}${j.stage ? ` ${j.stage}` : ''}`,
  };
}

/**
 * Waits for a job to end, drawing progress in the job's unit, rate and ETA (counting down each
 * second); returns the final job. `read` fetches the job (from the coordinator, or over SSM);
 * without a bar, each change is one line to `log`. Ctrl-C stops following, not the job, and says so.
 */
export async function waitForJob<T extends FollowedJob>(
  read: (id: string) => Promise<T>,
  id: string,
  o: WaitOptions,
): Promise<T> {
  const bar = o.bar ? progressBar() : undefined;
  const fields = (j: T) => barFields(j, Date.now());
  let last = '';
  const logLine = (j: T) => {
    const line = `· ${j.id}: ${j.progress.done}/${j.progress.total} ${unitWord(j.unit, j.progress.total)} ${fields(j).state}`;
    if (!bar && o.log && line !== last) o.log((last = line));
  };
  const onInterrupt = () => {
    bar?.stop();
    process.stderr.write(`\n${stillRunning(id, o.reach)}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    let job = await read(id);
    bar?.start(job.progress.total, job.progress.done, fields(job));
    logLine(job);
    while (job.state === 'running' || job.state === 'queued') {
      await sleep(o.pollMs ?? 1000);
      job = await read(id);
      bar?.setTotal(job.progress.total);
      bar?.update(job.progress.done, fields(job));
      logLine(job);
    }
    bar?.update(job.progress.done, fields(job));
    bar?.stop();
    return job;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
