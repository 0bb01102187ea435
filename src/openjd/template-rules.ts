import { formatPath, type Problem } from './problem.js';
import type { Environment } from './schema/script.js';
import type { StepTemplate } from './schema/step.js';
import { orderSteps, type StepLinks } from './step-order.js';

/** Adds a problem at each repeated name in a list. */
export function checkUnique(
  names: readonly (string | undefined)[],
  list: string,
  problems: Problem[],
): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (n === undefined) return;
    if (seen.has(n))
      problems.push({
        path: formatPath([list, i, 'name']),
        message: `"${n}" is used twice: give each a different name`,
      });
    seen.add(n);
  });
}

/** A step's name and dependencies read from the raw document, so that steps with other problems still count. */
export function rawLinks(raw: unknown): StepLinks | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const { name, dependencies } = raw as Record<string, unknown>;
  if (typeof name !== 'string') return undefined;
  const deps = Array.isArray(dependencies)
    ? dependencies.flatMap((d) => {
        const on = (d as Record<string, unknown> | null)?.dependsOn;
        return typeof on === 'string' ? [{ dependsOn: on }] : [];
      })
    : [];
  return { name, dependencies: deps };
}

/** The `name` of a raw list element, when it has a string one. */
export function rawName(raw: unknown): string | undefined {
  const n = (raw as Record<string, unknown> | null)?.name;
  return typeof n === 'string' ? n : undefined;
}

/**
 * Rules across steps (2023-09 Template Schemas §1.1, §3): step environments named differently
 * from job environments, every `dependsOn` naming a step, and no dependency cycle.
 */
export function checkSteps(
  steps: readonly (StepTemplate | undefined)[],
  links: readonly (StepLinks | undefined)[],
  jobEnvironments: readonly (Environment | undefined)[],
  problems: Problem[],
): void {
  checkUnique(
    links.map((l) => l?.name),
    'steps',
    problems,
  );
  const jobEnvNames = new Set(jobEnvironments.flatMap((e) => (e ? [e.name] : [])));
  const known = new Set(links.flatMap((l) => (l ? [l.name] : [])));
  steps.forEach((step, i) => {
    step?.stepEnvironments?.forEach((env, j) => {
      if (jobEnvNames.has(env.name))
        problems.push({
          path: formatPath(['steps', i, 'stepEnvironments', j, 'name']),
          message: `"${env.name}" is also a job environment's name: environment names must differ`,
        });
    });
  });
  links.forEach((link, i) => {
    link?.dependencies?.forEach((d, j) => {
      if (!known.has(d.dependsOn))
        problems.push({
          path: formatPath(['steps', i, 'dependencies', j, 'dependsOn']),
          message: `no step is named "${d.dependsOn}": name one of ${[...known].map((n) => `"${n}"`).join(', ')}`,
        });
    });
  });
  const r = orderSteps(links.filter((l): l is StepLinks => l !== undefined));
  if ('cycle' in r) {
    const first = links.findIndex((l) => l?.name === r.cycle[0]);
    problems.push({
      path: formatPath(['steps', first, 'dependencies']),
      message: `the dependencies form a cycle (${r.cycle.join(' -> ')}): remove one of them`,
    });
  }
}
