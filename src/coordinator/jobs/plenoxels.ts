import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../errors.js';
import {
  leaderboardJson,
  leaderboardTsv,
  rankRows,
  type LeaderboardRow,
} from '../../renderers/plenoxels/leaderboard.js';
import { configSetsMaxGridElements, gridMemoryWarning } from '../../renderers/plenoxels/memory.js';
import { resolveOptDir } from '../../renderers/plenoxels/opt-dir.js';
import { expandTaskFile } from '../../renderers/plenoxels/task-file.js';
import type { PlenoxelsTask } from '../../renderers/plenoxels/types.js';
import type { ResultRow } from '../../api/types.js';
import type { TaskRow } from '../store/types.js';
import {
  absolutePath,
  checkCommonFields,
  inlineOrFile,
  MAIN_STAGE,
  mainStageTasks,
} from './common-fields.js';
import type { JobType } from './job-type.js';
import { resultRow } from './result-rows.js';

/** What a `plenoxels` task carries: one expanded autotune task and the svox2 to run it with. */
export const plenoxelsPayload = z.object({
  task: z.custom<PlenoxelsTask>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as { id?: unknown }).id === 'string' &&
      Array.isArray((v as { steps?: unknown }).steps),
    'an expanded autotune task (id, steps, ...)',
  ),
  svox2Dir: z.string().min(1),
  python: z.string().min(1),
});

/** One warning line for the whole sweep, not one per task. */
function memoryWarnings(lines: string[]): string[] {
  if (lines.length <= 1) return lines;
  return [`${lines[0] ?? ''} (${lines.length - 1} more task(s) likewise)`];
}

function rowOf(t: TaskRow): ResultRow {
  const task = (t.payload as { task?: { id?: unknown; variables?: Record<string, unknown> } }).task;
  return resultRow(t, typeof task?.id === 'string' ? task.id : undefined, task?.variables);
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

/** Rows best PSNR first (rows without one last), as the leaderboard ranks them. */
function ranked(tasks: TaskRow[]): ResultRow[] {
  const rows = tasks.map(rowOf);
  const byTask = new Map(rows.map((r) => [r.task, r]));
  return rankRows(rows.map(toLeaderboard)).flatMap((l) => byTask.get(l.task) ?? []);
}

/**
 * A Plenoxels (svox2) sweep: the task file expanded as autotune.py would (relative paths from
 * `cwd`, default the task file's directory), one `main` stage with one `plenoxels` task per
 * expanded task, each carrying its step argvs; a leaderboard at the end.
 */
export const plenoxelsJob: JobType<'plenoxels'> = {
  kind: 'plenoxels',
  mainStage: MAIN_STAGE,
  progressUnit: 'tasks',
  allocation: 'per-node',
  panels: ['tasks', 'results'],
  payloads: { plenoxels: plenoxelsPayload },

  plan(req, { limits, files }) {
    const common = checkCommonFields(req, limits);
    const svox2Dir = absolutePath('svox2', req.svox2, 'dir', files);
    const optDir = resolveOptDir(svox2Dir, files);
    const python = req.python ?? 'python3';
    const { text, source } = inlineOrFile(
      { field: 'taskFile', text: req.taskFile },
      { field: 'taskFilePath', path: req.taskFilePath },
      files,
    );
    const cwd =
      req.cwd !== undefined
        ? absolutePath('cwd', req.cwd, 'dir', files)
        : path.isAbsolute(source)
          ? path.dirname(source)
          : undefined;
    const gpuMemoryGiB = req.gpuMemoryGiB ?? 16;
    if (!(gpuMemoryGiB > 0))
      throw new UsageError(
        `gpuMemoryGiB must be a positive number (got ${JSON.stringify(gpuMemoryGiB)})`,
      );
    const expanded = expandTaskFile(text, {
      source: path.basename(source),
      files,
      ...(cwd ? { cwd } : {}),
      ...(req.eval !== undefined ? { eval: req.eval } : {}),
      ...(req.render !== undefined ? { render: req.render } : {}),
    });
    if (expanded.length === 0) throw new UsageError(`${source}: the task file expands to no tasks`);
    const warnings = memoryWarnings(
      expanded.flatMap((t) => {
        const w = gridMemoryWarning(t, {
          gpuMemoryGiB,
          configSetsCap: configSetsMaxGridElements(optDir, t.config, files),
        });
        return w ? [w] : [];
      }),
    );
    const main = mainStageTasks(
      'plenoxels',
      expanded.map((task) => ({ task, svox2Dir, python })),
    );
    const { taskFile: _text, ...kept } = req;
    void _text;
    return {
      kind: 'plenoxels',
      name: common.name ?? path.basename(source),
      // the expansion is fixed here (randlin draws once), so the spec keeps only the source
      request: {
        ...kept,
        kind: 'plenoxels',
        taskFilePath: source,
        svox2: svox2Dir,
        python,
        gpuMemoryGiB,
        ...common,
        name: common.name,
      },
      nodes: common.nodes,
      gpusPerNode: common.gpusPerNode,
      ...main,
      summary: `${main.tasks.length} Plenoxels task(s) from ${path.basename(source)} on ${common.nodes} node(s)`,
      warnings,
    };
  },

  results: ranked,

  /** leaderboard.tsv and leaderboard.json (best PSNR first, done tasks only) in the job directory. */
  onJobEnded(job, tasks) {
    const rows = ranked(tasks.filter((t) => t.stage === MAIN_STAGE))
      .filter((r) => r.state === 'done')
      .map(toLeaderboard);
    const tsv = path.join(job.dir, 'leaderboard.tsv');
    const json = path.join(job.dir, 'leaderboard.json');
    return {
      files: [
        { path: tsv, text: leaderboardTsv(rows) },
        { path: json, text: leaderboardJson(rows) },
      ],
      notes: [`leaderboard of ${rows.length} task(s): ${tsv}, ${json}`],
    };
  },
};
