import { formatPath, type PathSegment } from './problem.js';
import type { ReferenceContext } from './references.js';
import { boundNames } from './schema/let.js';
import type { Action } from './schema/script.js';
import type { Environment } from './schema/script.js';
import type { StepTemplate } from './schema/step.js';

/** One format string in a template: its text, where it is, and what it may reference. */
export interface FormatSite {
  value: string;
  path: string;
  context: ReferenceContext;
}

function actionSites(
  a: Action | undefined,
  base: PathSegment[],
  context: ReferenceContext,
): FormatSite[] {
  if (!a) return [];
  return [
    { value: a.command, path: formatPath([...base, 'command']), context },
    ...(a.args ?? []).map((value, i) => ({
      value,
      path: formatPath([...base, 'args', i]),
      context,
    })),
  ];
}

/** What an environment's format strings see from where it stands: a step's bindings and name. */
export interface Enclosing {
  bound?: readonly string[];
  inStep?: boolean;
  /** the bindings' texts, for their types */
  lets?: readonly string[];
}

/**
 * The format strings of one environment (job or step level). Its variables see the enclosing
 * bindings; its script's actions and files see its script's `let` too.
 */
export function environmentSites(
  env: Environment,
  base: PathSegment[],
  outer: Enclosing = {},
): FormatSite[] {
  const files = env.script?.embeddedFiles ?? [];
  const outside: ReferenceContext = {
    where: 'environment',
    files: files.map((f) => f.name),
    ...outer,
  };
  const bound = [...(outer.bound ?? []), ...boundNames(env.script?.let)];
  const lets = [...(outer.lets ?? []), ...(env.script?.let ?? [])];
  const context: ReferenceContext = { ...outside, bound, lets };
  return [
    ...actionSites(env.script?.actions.onEnter, [...base, 'script', 'actions', 'onEnter'], context),
    ...actionSites(env.script?.actions.onExit, [...base, 'script', 'actions', 'onExit'], context),
    ...files.map((f, i) => ({
      value: f.data,
      path: formatPath([...base, 'script', 'embeddedFiles', i, 'data']),
      context,
    })),
    ...Object.entries(env.variables ?? {}).map(([k, value]) => ({
      value,
      path: formatPath([...base, 'variables', k]),
      context: outside,
    })),
  ];
}

/** The format strings of one step: its environments, script, ranges, manifests and host requirements. */
export function stepSites(step: StepTemplate, index: number): FormatSite[] {
  const base: PathSegment[] = ['steps', index];
  const stepBound = boundNames(step.let);
  const stepLets = step.let ?? [];
  const submission: ReferenceContext = {
    where: 'submission',
    bound: stepBound,
    inStep: true,
    lets: stepLets,
  };
  const params = step.parameterSpace?.taskParameterDefinitions ?? [];
  const files = step.script.embeddedFiles ?? [];
  const script: ReferenceContext = {
    where: 'script',
    taskParams: params.map((p) => p.name),
    files: files.map((f) => f.name),
    bound: [...stepBound, ...boundNames(step.script.let)],
    inStep: true,
    lets: [...stepLets, ...(step.script.let ?? [])],
    taskParamTypes: params,
  };
  const sites: FormatSite[] = [];
  (step.stepEnvironments ?? []).forEach((env, j) =>
    sites.push(
      ...environmentSites(env, [...base, 'stepEnvironments', j], {
        bound: stepBound,
        inStep: true,
        lets: stepLets,
      }),
    ),
  );
  sites.push(
    ...actionSites(step.script.actions.onRun, [...base, 'script', 'actions', 'onRun'], script),
  );
  files.forEach((f, i) =>
    sites.push({
      value: f.data,
      path: formatPath([...base, 'script', 'embeddedFiles', i, 'data']),
      context: script,
    }),
  );
  params.forEach((p, k) => {
    const at: PathSegment[] = [...base, 'parameterSpace', 'taskParameterDefinitions', k];
    if (typeof p.range === 'string')
      sites.push({ value: p.range, path: formatPath([...at, 'range']), context: submission });
    else
      (p.range ?? []).forEach((v, i) => {
        if (typeof v === 'string')
          sites.push({ value: v, path: formatPath([...at, 'range', i]), context: submission });
      });
    for (const key of ['defaultTaskCount', 'targetRuntimeSeconds'] as const) {
      const v = 'chunks' in p ? p.chunks?.[key] : undefined;
      if (typeof v === 'string')
        sites.push({ value: v, path: formatPath([...at, 'chunks', key]), context: submission });
    }
    for (const key of ['lines', 'glob'] as const) {
      const v = p.manifest?.[key];
      if (v !== undefined)
        sites.push({ value: v, path: formatPath([...at, 'manifest', key]), context: submission });
    }
  });
  for (const key of ['amounts', 'attributes'] as const)
    (step.hostRequirements?.[key] ?? []).forEach((c, k) => {
      if (c.name.includes('{{'))
        sites.push({
          value: c.name,
          path: formatPath([...base, 'hostRequirements', key, k, 'name']),
          context: submission,
        });
    });
  (step.hostRequirements?.attributes ?? []).forEach((a, k) => {
    for (const key of ['anyOf', 'allOf'] as const)
      (a[key] ?? []).forEach((value, i) =>
        sites.push({
          value,
          path: formatPath([...base, 'hostRequirements', 'attributes', k, key, i]),
          context: submission,
        }),
      );
  });
  return sites;
}
