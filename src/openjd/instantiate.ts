import type { ScopeValue } from './expr-eval.js';
import path from 'node:path';
import { environmentActions } from './environment-actions.js';
import { findStep } from './expand.js';
import {
  actionCommand,
  filePaths,
  hostLookup,
  mappedValue,
  pathMappingFile,
  writeList,
  type ActionCommand,
  type FileToWrite,
} from './host-scope.js';
import type { JobParameterValues } from './job-parameters.js';
import type { PathMappingRule } from './path-mapping.js';
import { withBindings, withNames } from './let-scope.js';
import { OpenjdInstantiationError, formatPath, type PathSegment } from './problem.js';
import type { JobTemplate } from './schema/template.js';
import type { TaskParameterValue } from './task-values.js';

/**
 * Turns a step's script and environments into what a runner executes on the host (2023-09
 * Template Schemas §3.5, §4, §5, §6): argument vectors, never shell strings, so a value holding
 * shell metacharacters stays one literal argument; the embedded files to write first; the
 * environment variables the active environments set.
 */

/** A task, ready to run in `cwd` (the session working directory) after writing `files`. */
export interface TaskCommand extends ActionCommand {
  cwd: string;
  files: FileToWrite[];
  /** Variables set by the job's and step's environments, in the order they are entered. */
  env: Record<string, string>;
}

/**
 * One task of a step, ready to run: the onRun argv with every format string resolved, the
 * embedded files (and the empty path-mapping file) to write, the environments' variables, the
 * timeout and how to cancel. `taskParams` are a TaskSpec's params (see expandStep); `rules` the
 * session's path-mapping rules.
 */
export function instantiateTask(
  template: JobTemplate,
  stepName: string,
  taskParams: Readonly<Record<string, TaskParameterValue>>,
  jobParams: JobParameterValues,
  sessionDir: string,
  rules: readonly PathMappingRule[] = [],
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
  const more: Record<string, string | ScopeValue> = { ...paths };
  for (const p of defined) {
    const v = taskParams[p.name] ?? { type: 'STRING', value: '' };
    more[`Task.Param.${p.name}`] = mappedValue(v, rules);
    more[`Task.RawParam.${p.name}`] = v;
  }
  const at: PathSegment[] = ['steps', index, 'script'];
  const named = withNames(hostLookup(jobParams, sessionDir, more, rules), template.name, step.name);
  const stepScope = withBindings(step.let, ['steps', index, 'let'], named);
  const lookup = withBindings(step.script.let, [...at, 'let'], stepScope);
  const run = actionCommand(
    step.script.actions.onRun,
    [...at, 'actions', 'onRun'],
    lookup,
    120,
  ) as ActionCommand;
  const env: Record<string, string> = {};
  for (const e of environmentActions(template, stepName, jobParams, sessionDir, rules))
    Object.assign(env, e.variables);
  return {
    ...run,
    cwd: sessionDir,
    files: [
      ...writeList(files, paths, 'Task.File', [...at, 'embeddedFiles'], lookup),
      pathMappingFile(sessionDir, rules),
    ],
    env,
  };
}
