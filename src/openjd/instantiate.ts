import path from 'node:path';
import { findStep } from './expand.js';
import { resolveFormatString } from './format-string.js';
import type { JobParameterValues } from './job-parameters.js';
import { OpenjdInstantiationError, formatPath, type PathSegment } from './problem.js';
import type { Action, EmbeddedFile, Environment } from './schema/script.js';
import type { JobTemplate } from './schema/template.js';
import type { TaskParameterValue } from './task-values.js';

/**
 * Turns a step's script and environments into what a runner executes on the host (2023-09
 * Template Schemas §3.5, §4, §5, §6): argument vectors, never shell strings, so a value holding
 * shell metacharacters stays one literal argument; the embedded files to write first; the
 * environment variables the active environments set.
 */

/** A file to write into the session directory before an action runs (0600, or 0700 if runnable). */
export interface FileToWrite {
  path: string;
  content: string;
  runnable: boolean;
}

/** How to cancel an action (§5.3); TERMINATE when the template gives none. */
export type Cancelation =
  { mode: 'TERMINATE' } | { mode: 'NOTIFY_THEN_TERMINATE'; notifyPeriodSeconds: number };

/** One action, ready to run: `argv[0]` is the command. */
export interface ActionCommand {
  argv: string[];
  /** Seconds the action may run; null for no limit. */
  timeoutSeconds: number | null;
  cancelation: Cancelation;
}

/** A task, ready to run in `cwd` (the session working directory) after writing `files`. */
export interface TaskCommand extends ActionCommand {
  cwd: string;
  files: FileToWrite[];
  /** Variables set by the job's and step's environments, in the order they are entered. */
  env: Record<string, string>;
}

/** An environment to enter before the step's tasks and exit, in reverse order, after them. */
export interface EnvironmentCommands {
  name: string;
  scope: 'job' | 'step';
  /** Variables this environment sets for its own actions and for everything run while it is active. */
  variables: Record<string, string>;
  /** Written before onEnter and again before onExit. */
  files: FileToWrite[];
  onEnter: ActionCommand | null;
  onExit: ActionCommand | null;
}

/** Where the path-mapping rules file lives; there are no rules, so it holds `{}` (§7.3.1). */
export function pathMappingFile(sessionDir: string): FileToWrite {
  return {
    path: path.posix.join(sessionDir, 'path-mapping.json'),
    content: '{}\n',
    runnable: false,
  };
}

type Lookup = (name: string) => string | undefined;

function hostLookup(
  jobParams: JobParameterValues,
  sessionDir: string,
  more: Record<string, string>,
): Lookup {
  return (ref) => {
    if (Object.hasOwn(more, ref)) return more[ref];
    const [scope, name, ...rest] = ref.split('.');
    if (
      (scope === 'Param' || scope === 'RawParam') &&
      name !== undefined &&
      rest.length === 0 &&
      Object.hasOwn(jobParams, name)
    )
      return jobParams[name]?.value; // no path mapping: Param is the value as given
    if (ref === 'Session.WorkingDirectory') return sessionDir;
    if (ref === 'Session.HasPathMappingRules') return 'false';
    if (ref === 'Session.PathMappingRulesFile') return pathMappingFile(sessionDir).path;
    return undefined;
  };
}

function resolveAt(value: string, at: PathSegment[], lookup: Lookup): string {
  const r = resolveFormatString(value, lookup);
  if ('error' in r)
    throw new OpenjdInstantiationError([{ path: formatPath(at), message: r.error }]);
  return r.value;
}

function actionCommand(
  a: Action | undefined,
  at: PathSegment[],
  lookup: Lookup,
  defaultNotify: number,
): ActionCommand | null {
  if (!a) return null;
  const argv = [
    resolveAt(a.command, [...at, 'command'], lookup),
    ...(a.args ?? []).map((x, i) => resolveAt(x, [...at, 'args', i], lookup)),
  ];
  const c = a.cancelation;
  return {
    argv,
    timeoutSeconds: a.timeout ?? null,
    cancelation:
      c?.mode === 'NOTIFY_THEN_TERMINATE'
        ? {
            mode: 'NOTIFY_THEN_TERMINATE',
            notifyPeriodSeconds: c.notifyPeriodInSeconds ?? defaultNotify,
          }
        : { mode: 'TERMINATE' },
  };
}

/** Paths of embedded files, by reference name, under `<session>/embedded/<owner>/`. */
function filePaths(
  files: readonly EmbeddedFile[],
  dir: string,
  prefix: 'Task.File' | 'Env.File',
): Record<string, string> {
  return Object.fromEntries(
    files.map((f) => [`${prefix}.${f.name}`, path.posix.join(dir, f.filename ?? f.name)]),
  );
}

function writeList(
  files: readonly EmbeddedFile[],
  paths: Record<string, string>,
  prefix: string,
  at: PathSegment[],
  lookup: Lookup,
): FileToWrite[] {
  return files.map((f, i) => ({
    path: paths[`${prefix}.${f.name}`] as string,
    content: resolveAt(f.data, [...at, i, 'data'], lookup),
    runnable: f.runnable === true,
  }));
}

function environmentCommands(
  env: Environment,
  scope: 'job' | 'step',
  at: PathSegment[],
  ordinal: number,
  jobParams: JobParameterValues,
  sessionDir: string,
): EnvironmentCommands {
  const files = env.script?.embeddedFiles ?? [];
  const paths = filePaths(
    files,
    path.posix.join(sessionDir, 'embedded', `${scope}-env-${ordinal}`),
    'Env.File',
  );
  const lookup = hostLookup(jobParams, sessionDir, paths);
  const variables = Object.fromEntries(
    Object.entries(env.variables ?? {}).map(([k, v]) => [
      k,
      resolveAt(v, [...at, 'variables', k], lookup),
    ]),
  );
  return {
    name: env.name,
    scope,
    variables,
    files: writeList(files, paths, 'Env.File', [...at, 'script', 'embeddedFiles'], lookup),
    onEnter: actionCommand(
      env.script?.actions.onEnter,
      [...at, 'script', 'actions', 'onEnter'],
      lookup,
      30,
    ),
    onExit: actionCommand(
      env.script?.actions.onExit,
      [...at, 'script', 'actions', 'onExit'],
      lookup,
      30,
    ),
  };
}

/**
 * The environments a session running `stepName`'s tasks enters, in order: the job's, then the
 * step's. Exit them in reverse order. Each one's embedded files go under its own directory.
 */
export function environmentActions(
  template: JobTemplate,
  stepName: string,
  jobParams: JobParameterValues,
  sessionDir: string,
): EnvironmentCommands[] {
  const { step, index } = findStep(template, stepName);
  return [
    ...(template.jobEnvironments ?? []).map((e, i) =>
      environmentCommands(e, 'job', ['jobEnvironments', i], i, jobParams, sessionDir),
    ),
    ...(step.stepEnvironments ?? []).map((e, j) =>
      environmentCommands(
        e,
        'step',
        ['steps', index, 'stepEnvironments', j],
        j,
        jobParams,
        sessionDir,
      ),
    ),
  ];
}

/**
 * One task of a step, ready to run: the onRun argv with every format string resolved, the
 * embedded files (and the empty path-mapping file) to write, the environments' variables, the
 * timeout and how to cancel. `taskParams` are a TaskSpec's params (see expandStep).
 */
export function instantiateTask(
  template: JobTemplate,
  stepName: string,
  taskParams: Readonly<Record<string, TaskParameterValue>>,
  jobParams: JobParameterValues,
  sessionDir: string,
): TaskCommand {
  const { step, index } = findStep(template, stepName);
  const defined = step.parameterSpace?.taskParameterDefinitions ?? [];
  const missing = defined.filter((p) => !Object.hasOwn(taskParams, p.name)).map((p) => p.name);
  if (missing.length)
    throw new OpenjdInstantiationError([
      {
        path: formatPath(['steps', index, 'parameterSpace']),
        message: `the task has no value for ${missing.join(', ')}`,
      },
    ]);
  const files = step.script.embeddedFiles ?? [];
  const paths = filePaths(files, path.posix.join(sessionDir, 'embedded', 'task'), 'Task.File');
  const more: Record<string, string> = { ...paths };
  for (const p of defined) {
    const v = taskParams[p.name]?.value ?? '';
    more[`Task.Param.${p.name}`] = v; // no path mapping: PATH values are as given
    more[`Task.RawParam.${p.name}`] = v;
  }
  const lookup = hostLookup(jobParams, sessionDir, more);
  const at: PathSegment[] = ['steps', index, 'script'];
  const run = actionCommand(
    step.script.actions.onRun,
    [...at, 'actions', 'onRun'],
    lookup,
    120,
  ) as ActionCommand;
  const env: Record<string, string> = {};
  for (const e of environmentActions(template, stepName, jobParams, sessionDir))
    Object.assign(env, e.variables);
  return {
    ...run,
    cwd: sessionDir,
    files: [
      ...writeList(files, paths, 'Task.File', [...at, 'embeddedFiles'], lookup),
      pathMappingFile(sessionDir),
    ],
    env,
  };
}
