import { jobName, stepOrder } from './describe.js';
import { expandStep, isDynamicStep, type TaskSpec } from './expand.js';
import { resolveJobParameters, type JobParameterValues } from './job-parameters.js';
import { OpenjdInstantiationError, type Problem } from './problem.js';
import type { JobTemplate } from './schema/template.js';
import { jobResources, type TaskResources } from './slurm-resources.js';
import { validateTemplate } from './validate.js';

/** A step of a planned job, in run order. */
export interface PlannedStep {
  name: string;
  /** Position in the run order (0 runs first). */
  order: number;
  dependsOn: string[];
  /** The tasks, or null for a step whose tasks come from a manifest when it becomes ready. */
  tasks: TaskSpec[] | null;
}

/** A template made into a job: everything a scheduler needs, before any of it runs. */
export interface TemplateJob {
  template: JobTemplate;
  values: JobParameterValues;
  name: string;
  steps: PlannedStep[];
  /** The largest per-task minimums of any step's host requirements. */
  resources: TaskResources;
  /** What the user should know: capabilities not built, steps that could run side by side. */
  warnings: Problem[];
}

/** Most tasks a job's steps may hold at submission (each task is a row and a payload). */
export const MAX_JOB_TASKS = 100_000;

/** Whether `step` depends on `on`, directly or through other steps. */
function dependsOn(t: JobTemplate, step: string, on: string, seen = new Set<string>()): boolean {
  const deps = t.steps.find((s) => s.name === step)?.dependencies?.map((d) => d.dependsOn) ?? [];
  return deps.some((d) => {
    if (d === on) return true;
    if (seen.has(d)) return false;
    seen.add(d);
    return dependsOn(t, d, on, seen);
  });
}

/** A warning when steps that do not depend on each other will still run one after another. */
function sequentialWarning(t: JobTemplate, order: readonly string[]): Problem[] {
  const pairs: string[] = [];
  for (let i = 1; i < order.length; i++) {
    const a = order[i - 1] as string;
    const b = order[i] as string;
    if (!dependsOn(t, b, a)) pairs.push(`${a} and ${b}`);
  }
  if (!pairs.length) return [];
  return [
    {
      path: 'steps',
      message: `steps run one after another here, in dependency order; ${pairs.join(', ')} do not depend on each other but will not run side by side`,
    },
  ];
}

/**
 * Validates a template document, resolves its job parameters from `given` (the bundle's
 * parameter_values and `-p` values, merged) and the defaults, checks its host requirements
 * against what Slurm can be asked, and expands every step whose tasks are known now. Returns
 * every problem with its path, or the job.
 */
export function planTemplateJob(
  doc: unknown,
  given: Readonly<Record<string, unknown>>,
  opts: { relativePathsFrom?: string; hostArch: string },
): { job?: TemplateJob; errors: Problem[] } {
  const v = validateTemplate(doc);
  if (!v.template) return { errors: v.errors };
  const template = v.template;
  const r = resolveJobParameters(
    template,
    given,
    opts.relativePathsFrom ? { relativePathsFrom: opts.relativePathsFrom } : {},
  );
  if (r.errors.length) return { errors: r.errors };
  const errors: Problem[] = [];
  const named = jobName(template, r.values);
  if ('error' in named) errors.push(named.error);
  const res = jobResources(template, r.values, opts.hostArch);
  errors.push(...res.problems);
  const order = stepOrder(template);
  let total = 0;
  const steps = order.map((name, i): PlannedStep => {
    const step = template.steps.find((s) => s.name === name);
    let tasks: TaskSpec[] | null = null;
    if (step && !isDynamicStep(step)) {
      try {
        tasks = expandStep(template, name, r.values);
        total += tasks.length;
      } catch (e) {
        if (!(e instanceof OpenjdInstantiationError)) throw e;
        errors.push(...e.problems);
      }
    }
    return {
      name,
      order: i,
      dependsOn: (step?.dependencies ?? []).map((d) => d.dependsOn),
      tasks,
    };
  });
  if (total > MAX_JOB_TASKS)
    errors.push({
      path: 'steps',
      message: `make ${total} tasks; at most ${MAX_JOB_TASKS} are allowed in one job: split it`,
    });
  if (errors.length) return { errors };
  return {
    job: {
      template,
      values: r.values,
      name: 'name' in named ? named.name : template.name,
      steps,
      resources: res.resources,
      warnings: [...v.warnings, ...sequentialWarning(template, order)],
    },
    errors: [],
  };
}
