import { limitsFor } from './bundle-limits.js';
import { FEATURE_BUNDLE_1 } from './feature-bundle.js';
import { expandStep, isDynamicStep, submissionLookup } from './expand.js';
import { resolveFormatString } from './format-string.js';
import type { JobParameterValues } from './job-parameters.js';
import { OpenjdInstantiationError, type Problem } from './problem.js';
import { hasControlChars } from './schema/strings.js';
import type { JobTemplate } from './schema/template.js';
import { orderSteps } from './step-order.js';

/** A step as `openjd check` shows it. */
export interface StepSummary {
  name: string;
  dependsOn: string[];
  /** Number of tasks; null when they come from a manifest and are known only once the step is ready. */
  tasks: number | null;
  /** Task parameters read from manifests. */
  manifestParameters: string[];
  environments: string[];
}

/** The steps of a valid template in dependency order (ties in template order). */
export function stepOrder(template: JobTemplate): string[] {
  const r = orderSteps(template.steps);
  if ('cycle' in r)
    throw new OpenjdInstantiationError([
      { path: 'steps', message: `the dependencies form a cycle (${r.cycle.join(' -> ')})` },
    ]);
  return r.order;
}

/**
 * The job's name with its format strings resolved (at most 128 characters, 512 with
 * FEATURE_BUNDLE_1; no control characters).
 */
export function jobName(
  template: JobTemplate,
  jobParams: JobParameterValues,
): { name: string } | { error: Problem } {
  const r = resolveFormatString(template.name, submissionLookup(jobParams));
  if ('error' in r) return { error: { path: 'name', message: r.error } };
  const max = limitsFor(template.extensions?.includes(FEATURE_BUNDLE_1) ?? false).jobName;
  if (r.value.length > max)
    return {
      error: {
        path: 'name',
        message: `resolves to ${r.value.length} characters; at most ${max} are allowed`,
      },
    };
  if (r.value === '' || hasControlChars(r.value))
    return {
      error: { path: 'name', message: 'resolves to an empty name or one with control characters' },
    };
  return { name: r.value };
}

/** What a job made from the template would hold: its name and steps in order, with task counts. */
export function describeJob(
  template: JobTemplate,
  jobParams: JobParameterValues,
): { name: string; steps: StepSummary[]; errors: Problem[] } {
  const errors: Problem[] = [];
  const n = jobName(template, jobParams);
  if ('error' in n) errors.push(n.error);
  const steps = stepOrder(template).map((name): StepSummary => {
    const step = template.steps.find((s) => s.name === name);
    if (!step) throw new Error(`step ${name} vanished`);
    let tasks: number | null = null;
    if (!isDynamicStep(step)) {
      try {
        tasks = expandStep(template, name, jobParams).length;
      } catch (e) {
        if (!(e instanceof OpenjdInstantiationError)) throw e;
        errors.push(...e.problems);
      }
    }
    return {
      name,
      dependsOn: (step.dependencies ?? []).map((d) => d.dependsOn),
      tasks,
      manifestParameters: (step.parameterSpace?.taskParameterDefinitions ?? [])
        .filter((p) => p.manifest)
        .map((p) => p.name),
      environments: [...(template.jobEnvironments ?? []), ...(step.stepEnvironments ?? [])].map(
        (e) => e.name,
      ),
    };
  });
  return { name: 'name' in n ? n.name : template.name, steps, errors };
}
