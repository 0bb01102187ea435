import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import {
  configSetsMaxGridElements,
  expandTaskFile,
  gridMemoryWarning,
  resolveOptDir,
} from '../../renderers/plenoxels/index.js';
import type { OtherSubmitRequest, SubmitRequest } from '../api-types.js';
import { absolutePath, checkCommonFields, inlineOrFile, mainStageTasks } from './common-fields.js';
import type { JobDirs, JobPlan, PlanLimits } from './plan.js';

/**
 * A Plenoxels sweep request (`kind: 'plenoxels'`): the autotune task file as `taskFile` (its
 * text) or `taskFilePath` (absolute), `svox2` (the checkout, absolute), and optionally `python`
 * (default python3), `cwd` (relative data_root/train_root; default the task file's directory),
 * `eval`/`render` (autotune's flags) and `gpuMemoryGiB` (default 16, a V100 of a p3.8xlarge).
 */
export interface PlenoxelsFields {
  taskFile?: string;
  taskFilePath?: string;
  svox2: string;
  python?: string;
  cwd?: string;
  eval?: boolean;
  render?: boolean;
  gpuMemoryGiB?: number;
}

function optionalBool(field: string, v: unknown): boolean | undefined {
  if (v === undefined || typeof v === 'boolean') return v;
  throw new UsageError(`${field}: must be true or false`);
}

/** One warning line for the whole sweep, not one per task. */
function memoryWarnings(lines: string[]): string[] {
  if (lines.length <= 1) return lines;
  return [`${lines[0] ?? ''} (${lines.length - 1} more task(s) likewise)`];
}

/**
 * Validates a Plenoxels submission and expands its task file as autotune.py would: one `main`
 * stage, one `plenoxels` task per expanded task, each carrying its step argvs. Writes nothing.
 */
export function planPlenoxelsJob(
  request: SubmitRequest,
  limits: PlanLimits,
  dirs: JobDirs,
): JobPlan {
  void dirs;
  const req = request as OtherSubmitRequest;
  const common = checkCommonFields(req, limits);
  const svox2Dir = absolutePath('svox2', req.svox2, 'dir');
  const optDir = resolveOptDir(svox2Dir);
  const python = req.python ?? 'python3';
  if (typeof python !== 'string' || python === '' || /[\0\n\r]/.test(python))
    throw new UsageError('python: give the Python of the svox2 environment, e.g. python3');
  const { text, source } = inlineOrFile(req, 'taskFile', 'taskFilePath', (f) =>
    readFileSync(f, 'utf8'),
  );
  const cwd =
    req.cwd !== undefined
      ? absolutePath('cwd', req.cwd, 'dir')
      : path.isAbsolute(source)
        ? path.dirname(source)
        : undefined;
  const gpuMemoryGiB = req.gpuMemoryGiB ?? 16;
  if (typeof gpuMemoryGiB !== 'number' || !(gpuMemoryGiB > 0))
    throw new UsageError(
      `gpuMemoryGiB must be a positive number (got ${JSON.stringify(gpuMemoryGiB)})`,
    );
  const evalDefault = optionalBool('eval', req.eval);
  const renderDefault = optionalBool('render', req.render);
  const expanded = expandTaskFile(text, {
    source: path.basename(source),
    ...(cwd ? { cwd } : {}),
    ...(evalDefault !== undefined ? { eval: evalDefault } : {}),
    ...(renderDefault !== undefined ? { render: renderDefault } : {}),
  });
  if (expanded.length === 0) throw new UsageError(`${source}: the task file expands to no tasks`);
  const warnings = memoryWarnings(
    expanded.flatMap((t) => {
      const w = gridMemoryWarning(t, {
        gpuMemoryGiB,
        configSetsCap: configSetsMaxGridElements(optDir, t.config),
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
}
