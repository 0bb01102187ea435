import {
  rankRows,
  writeLeaderboard,
  type LeaderboardRow,
} from '../../renderers/plenoxels/index.js';
import { writeTransforms, type RenderedView } from '../../renderers/blender/dataset.js';
import type { ResultRow } from '../api-types.js';
import { MAIN_STAGE } from './common-fields.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import type { JobRow, TaskRow } from '../store/types.js';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function taskName(t: TaskRow): string {
  const task = t.payload.task as { id?: unknown } | undefined;
  const id = t.kind === 'plenoxels' ? task?.id : t.payload.id;
  return typeof id === 'string' ? id : `task-${t.id}`;
}

function variablesOf(t: TaskRow): Record<string, string> {
  const src =
    t.kind === 'plenoxels'
      ? (t.payload.task as { variables?: unknown } | undefined)?.variables
      : t.payload.fields;
  if (!src || typeof src !== 'object') return {};
  return Object.fromEntries(
    Object.entries(src as Record<string, unknown>)
      .filter(([k]) => k !== 'id')
      .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

function rowOf(t: TaskRow): ResultRow {
  const r = t.result ?? {};
  const seconds = num(r.seconds);
  return {
    task: taskName(t),
    state: t.state,
    variables: variablesOf(t),
    psnr: num(r.psnr),
    ssim: num(r.ssim),
    lpips: num(r.lpips),
    minutes: num(r.minutes) ?? (seconds === null ? null : seconds / 60),
    gpu: t.node && t.gpu !== null ? `${t.node}:${t.gpu}` : null,
  };
}

const toLeaderboard = (r: ResultRow): LeaderboardRow => ({
  task: r.task,
  variables: r.variables,
  ...(r.psnr !== null ? { psnr: r.psnr } : {}),
  ...(r.ssim !== null ? { ssim: r.ssim } : {}),
  ...(r.lpips !== null ? { lpips: r.lpips } : {}),
  ...(r.minutes !== null ? { minutes: r.minutes } : {}),
  ...(r.gpu !== null ? { gpu: r.gpu } : {}),
});

/**
 * A job's results table for `JobDetail.results`: Plenoxels tasks ranked best PSNR first (rows
 * without one last), command tasks in submission order; undefined for other kinds.
 */
export function jobResults(store: SqliteStore, job: JobRow): ResultRow[] | undefined {
  if (job.kind !== 'plenoxels' && job.kind !== 'command') return undefined;
  const rows = store.tasks.list(job.id, { stage: MAIN_STAGE }).tasks.map(rowOf);
  if (job.kind === 'command') return rows;
  const byTask = new Map(rows.map((r) => [r.task, r]));
  return rankRows(rows.map(toLeaderboard)).flatMap((l) => byTask.get(l.task) ?? []);
}

/**
 * Called once a job ends: writes a Plenoxels sweep's leaderboard.tsv and leaderboard.json (best
 * PSNR first, done tasks only) into the job directory and notes where. Never throws: a job's end
 * must be recorded even when its directory is gone.
 */
export function writeJobResults(
  store: SqliteStore,
  jobId: string,
  note: (message: string) => void,
): void {
  const job = store.jobs.get(jobId);
  if (job?.kind === 'blender-dataset') return writeDatasetResults(store, job, note);
  if (!job || job.kind !== 'plenoxels') return;
  try {
    const rows = (jobResults(store, job) ?? [])
      .filter((r) => r.state === 'done')
      .map(toLeaderboard);
    const files = writeLeaderboard(job.dir, rows);
    note(`leaderboard of ${rows.length} task(s): ${files.tsv}, ${files.json}`);
  } catch (err) {
    note(`could not write the leaderboard: ${(err as Error).message}`);
  }
}

/**
 * Once a blender-dataset job has succeeded: writes transforms_{train,val,test}.json into its
 * output directory from the matrices and field of view Blender reported for each view. Never
 * throws.
 */
function writeDatasetResults(store: SqliteStore, job: JobRow, note: (m: string) => void): void {
  if (job.state !== 'succeeded') return;
  try {
    const views = store.tasks
      .list(job.id, { stage: MAIN_STAGE })
      .tasks.filter((t) => t.state === 'done')
      .flatMap((t) => (Array.isArray(t.result?.views) ? (t.result.views as RenderedView[]) : []));
    const files = writeTransforms(job.outputDir, views);
    note(`transforms of ${views.length} view(s): ${files.join(', ')}`);
  } catch (err) {
    note(`could not write the transforms files: ${(err as Error).message}`);
  }
}
