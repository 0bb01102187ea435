import path from 'node:path';
import type { PathMappingRule } from './path-mapping.js';
import { findStep } from './expand.js';
import {
  actionCommand,
  filePaths,
  hostLookup,
  resolveAt,
  writeList,
  type ActionCommand,
  type FileToWrite,
} from './host-scope.js';
import type { ExprLookup } from './expr-eval.js';
import type { JobParameterValues } from './job-parameters.js';
import { withBindings, withNames } from './let-scope.js';
import type { PathSegment } from './problem.js';
import type { Environment } from './schema/script.js';
import type { JobTemplate } from './schema/template.js';

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

function environmentCommands(
  env: Environment,
  scope: 'job' | 'step',
  at: PathSegment[],
  ordinal: number,
  jobParams: JobParameterValues,
  sessionDir: string,
  outer: (lookup: ExprLookup) => ExprLookup,
  rules: readonly PathMappingRule[],
): EnvironmentCommands {
  const files = env.script?.embeddedFiles ?? [];
  const paths = filePaths(
    files,
    path.posix.join(sessionDir, 'embedded', `${scope}-env-${ordinal}`),
    'Env.File',
  );
  // variables see the enclosing scope; the script's actions and files its own bindings too
  const enclosing = outer(hostLookup(jobParams, sessionDir, paths, rules));
  const variables = Object.fromEntries(
    Object.entries(env.variables ?? {}).map(([k, v]) => [
      k,
      resolveAt(v, [...at, 'variables', k], enclosing),
    ]),
  );
  const lookup = withBindings(env.script?.let, [...at, 'script', 'let'], enclosing);
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
 * `rules` are the session's path-mapping rules.
 */
export function environmentActions(
  template: JobTemplate,
  stepName: string,
  jobParams: JobParameterValues,
  sessionDir: string,
  rules: readonly PathMappingRule[] = [],
): EnvironmentCommands[] {
  const { step, index } = findStep(template, stepName);
  const job = (l: ExprLookup) => withNames(l, template.name);
  const inStep = (l: ExprLookup) =>
    withBindings(step.let, ['steps', index, 'let'], withNames(l, template.name, step.name));
  return [
    ...(template.jobEnvironments ?? []).map((e, i) =>
      environmentCommands(e, 'job', ['jobEnvironments', i], i, jobParams, sessionDir, job, rules),
    ),
    ...(step.stepEnvironments ?? []).map((e, j) =>
      environmentCommands(
        e,
        'step',
        ['steps', index, 'stepEnvironments', j],
        j,
        jobParams,
        sessionDir,
        inStep,
        rules,
      ),
    ),
  ];
}
