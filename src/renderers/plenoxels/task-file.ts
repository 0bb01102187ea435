import { UsageError } from '../../errors.js';
import type { FileProbe } from '../../util/file-probe.js';
import { expandUser, pyFormat, pyJoin } from './format.js';
import { isPyDict, parsePythonJson, pyStr, pyTypeName, type PyValue } from './py-values.js';
import { buildSteps, trainFiles } from './steps.js';
import type { PlenoxelsTask } from './types.js';
import { productOfVariables } from './variables.js';

/** Options for `expandTaskFile`. */
export interface ExpandOptions {
  /** Name of the task file in error messages (default "task file"). */
  source?: string;
  /** Defaults for `eval`/`render` when the file does not set them (autotune's --eval/--render). */
  eval?: boolean;
  render?: boolean;
  /** Relative data_root/train_root are taken from here (default: the current directory). */
  cwd?: string;
  /** What `~` expands to (default: $HOME, as Python's expanduser reads it). */
  home?: string;
  /** Uniform [0, 1) source for randlin/randloglin and noises (default Math.random). */
  random?: () => number;
  /** Whether each data directory must exist, as autotune asserts (default true, when `files` is given). */
  checkDataDirs?: boolean;
  /** Where data directories are looked up; without it they are not checked. */
  files?: Pick<FileProbe, 'isDirectory'>;
}

const TEMPLATE_KEYS = ['train_dir', 'data_dir', 'config', 'flags', 'eval_flags', 'common_flags'];

type Dict = { [key: string]: PyValue };

function str(v: PyValue | undefined, field: string, fallback?: string): string {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string')
    throw new UsageError(
      `${field}: must be a string, got ${v === undefined ? 'nothing' : pyTypeName(v)}`,
    );
  return v;
}

function strList(v: PyValue | undefined, field: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v))
    throw new UsageError(`${field}: must be a list of strings, got ${pyTypeName(v)}`);
  return v.map((x, i) => str(x, `${field}[${i}]`));
}

function dict(v: PyValue | undefined, field: string): Dict {
  if (v === undefined) return {};
  if (!isPyDict(v)) throw new UsageError(`${field}: must be an object, got ${pyTypeName(v)}`);
  return v;
}

function bool(v: PyValue | undefined, field: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new UsageError(`${field}: must be true or false`);
  return v;
}

function substitute(v: PyValue, vars: Dict, where: string): PyValue {
  if (typeof v === 'string') return pyFormat(v, vars, where);
  if (Array.isArray(v)) return v.map((x, i) => substitute(x, vars, `${where}[${i}]`));
  if (isPyDict(v))
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, substitute(x, vars, `${where}.${k}`)]),
    );
  return v;
}

/**
 * Expands an autotune.py task file (its JSON text) into tasks, as autotune.py does before it
 * queues them: every template times every combination of variables, template by template, the
 * last variable changing fastest. (autotune then shuffles them unless in eval mode; order does
 * not matter to our queue, so we keep this one.) Throws `UsageError` naming the field at fault.
 */
export function expandTaskFile(text: string, opts: ExpandOptions = {}): PlenoxelsTask[] {
  const source = opts.source ?? 'task file';
  const root = parsePythonJson(text, source);
  if (!isPyDict(root))
    throw new UsageError(
      `${source}: the top level must be a JSON object (autotune's task-file format)`,
    );
  const at = (field: string): string => `${source}: ${field}`;
  const home = opts.home ?? process.env.HOME ?? '/';
  const cwd = opts.cwd ?? process.cwd();
  const rootDir = (key: string): string => {
    if (root[key] === undefined) throw new UsageError(at(`${key} is required`));
    const p = expandUser(str(root[key], at(key)), home);
    return p.startsWith('/') ? p : pyJoin(cwd, p);
  };
  const dataRoot = rootDir('data_root');
  const trainRoot = rootDir('train_root');
  const baseFlags = strList(root.base_flags, at('base_flags'));
  const baseEvalFlags = strList(root.base_eval_flags, at('base_eval_flags'));
  const baseCommonFlags = strList(root.base_common_flags, at('base_common_flags'));
  const defaultConfig = str(root.config, at('config'), '');
  const evalMode = bool(root.eval, at('eval'), opts.eval ?? false);
  const render = bool(root.render, at('render'), opts.render ?? false);
  const templates = root.tasks ?? [];
  if (!Array.isArray(templates)) throw new UsageError(at('tasks must be a list of task templates'));
  const combos = productOfVariables(
    dict(root.variables, at('variables')),
    dict(root.noises, at('noises')),
    opts.random,
  );

  const tasks: PlenoxelsTask[] = [];
  const seen = new Set<string>();
  templates.forEach((templ, ti) => {
    const where = at(`tasks[${ti}]`);
    if (!isPyDict(templ)) throw new UsageError(`${where}: must be an object`);
    const unknown = Object.keys(templ).filter((k) => !TEMPLATE_KEYS.includes(k));
    if (unknown.length)
      throw new UsageError(
        `${where}: unknown key ${unknown.join(', ')}; allowed: ${TEMPLATE_KEYS.join(', ')}`,
      );
    if (templ.train_dir === undefined) throw new UsageError(`${where}: train_dir is required`);
    for (const vars of combos) {
      const t = substitute(templ, vars, where) as Dict;
      const id = str(t.train_dir, `${where}.train_dir`);
      const trainDir = pyJoin(trainRoot, id);
      if (seen.has(trainDir))
        throw new UsageError(
          `${where}: two tasks would share train_dir ${trainDir}; put a variable in train_dir`,
        );
      seen.add(trainDir);
      const dataDir = pyJoin(dataRoot, str(t.data_dir, `${where}.data_dir`, '')).replace(
        /\/+$/,
        '',
      );
      if ((opts.checkDataDirs ?? true) && opts.files && !opts.files.isDirectory(dataDir)) {
        throw new UsageError(
          `${where}: data directory ${dataDir} does not exist; check data_root and data_dir`,
        );
      }
      const config = str(t.config, `${where}.config`, defaultConfig);
      const inputs = {
        trainDir,
        dataDir,
        config,
        flags: [...strList(t.flags, `${where}.flags`), ...baseFlags],
        evalFlags: [...strList(t.eval_flags, `${where}.eval_flags`), ...baseEvalFlags],
        commonFlags: [...strList(t.common_flags, `${where}.common_flags`), ...baseCommonFlags],
        eval: evalMode,
        render,
      };
      const variables = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, pyStr(v)]));
      const skipWhen = pyJoin(trainDir, trainFiles.tunePsnr);
      tasks.push({
        id,
        variables,
        trainDir,
        dataDir,
        config,
        eval: evalMode,
        render,
        skipWhen,
        steps: buildSteps(inputs),
      });
    }
  });
  return tasks;
}
