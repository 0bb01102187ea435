import { jobName, stepOrder } from './describe.js';
import { expandStep, isDynamicStep, type TaskSpec } from './expand.js';
import { resolveJobParameters, type JobParameterValues } from './job-parameters.js';
import { OpenjdInstantiationError, type Problem } from './problem.js';
import type { JobTemplate } from './schema/template.js';
import { jobResources, type TaskResources } from './slurm-resources.js';
import { validateTemplate } from './validate.js';
import { environmentParameters, validateEnvironmentTemplate } from './environment-template.js';
import { mergeParameterDefinitions } from './parameter-merge.js';
import { resolveNumericFields } from './numeric-fields.js';
import { windowsOnlyActions } from './feature-bundle.js';

/** An environment template a job runs in: where it was read (for messages), its document, its directory. */
export interface EnvironmentTemplateInput {
  where: string;
  doc: unknown;
  dir?: string;
}

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
  opts: {
    relativePathsFrom?: string;
    hostArch: string;
    /** Environment templates, outermost first (queue environments, then `--env` ones). */
    environments?: readonly EnvironmentTemplateInput[];
    /** Per parameter, the directory its given value is relative to (`-p`: where it was typed). */
    givenPathsFrom?: Readonly<Record<string, string>>;
  },
): { job?: TemplateJob; errors: Problem[] } {
  const envs = opts.environments ?? [];
  const v = validateTemplate(
    doc,
    envs.flatMap((e) => environmentParameters(e.doc)),
  );
  if (!v.template) return { errors: v.errors };
  // a valid template, but not one these Linux nodes can run
  const windows = windowsOnlyActions(doc);
  if (windows.length) return { errors: windows };
  const withEnvs = applyEnvironmentTemplates(v.template, envs, opts.relativePathsFrom);
  if (!withEnvs.template) return { errors: withEnvs.errors };
  const r = resolveJobParameters(withEnvs.template, given, {
    ...(opts.relativePathsFrom ? { relativePathsFrom: opts.relativePathsFrom } : {}),
    ...(opts.givenPathsFrom ? { givenPathsFrom: opts.givenPathsFrom } : {}),
    defaultPathsFrom: withEnvs.defaultDirs,
  });
  if (r.errors.length) return { errors: r.errors };
  // every task runs with the numbers its job's parameters make of these (FEATURE_BUNDLE_1)
  const numeric = resolveNumericFields(withEnvs.template, r.values);
  if (numeric.errors.length) return { errors: numeric.errors };
  const template = numeric.template;
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
      warnings: [...v.warnings, ...res.warnings, ...sequentialWarning(template, order)],
    },
    errors: [],
  };
}

/**
 * The job template as it runs with environment templates around it (§1.2): their environments
 * entered before the job's own, outermost first, and their parameter definitions merged with the
 * job's. Environment names must differ within the session.
 */
export function applyEnvironmentTemplates(
  template: JobTemplate,
  envs: readonly EnvironmentTemplateInput[],
  templateDir?: string,
): { template?: JobTemplate; defaultDirs: Record<string, string>; errors: Problem[] } {
  if (!envs.length) return { template, defaultDirs: {}, errors: [] };
  const errors: Problem[] = [];
  const valid = envs.map((e) => {
    const r = validateEnvironmentTemplate(e.doc);
    for (const p of r.errors) errors.push({ ...p, path: `${e.where}: ${p.path}` });
    return r.template;
  });
  const names = new Map<string, string>();
  const jobEnvNames = (template.jobEnvironments ?? []).map((e) => ({
    name: e.name,
    where: 'the job template',
  }));
  const envNames = valid.flatMap((t, i) =>
    t ? [{ name: t.environment.name, where: envs[i]?.where ?? '' }] : [],
  );
  for (const { name, where } of [...envNames, ...jobEnvNames]) {
    const had = names.get(name);
    if (had !== undefined)
      errors.push({
        path: `${where}: environment ${name}`,
        message: `${had} has an environment of this name too: a session's environments need names of their own`,
      });
    else names.set(name, where);
  }
  const merged = mergeParameterDefinitions([
    ...valid.map((t, i) => ({
      where: envs[i]?.where ?? `environment template ${i + 1}`,
      defs: t?.parameterDefinitions ?? [],
      ...(envs[i]?.dir ? { dir: envs[i].dir } : {}),
    })),
    {
      where: 'the job template',
      defs: template.parameterDefinitions ?? [],
      ...(templateDir ? { dir: templateDir } : {}),
    },
  ]);
  errors.push(...merged.errors);
  if (errors.length) return { defaultDirs: {}, errors };
  return {
    template: {
      ...template,
      ...(merged.defs.length ? { parameterDefinitions: merged.defs } : {}),
      jobEnvironments: [
        ...valid.map((t) => (t as NonNullable<typeof t>).environment),
        ...(template.jobEnvironments ?? []),
      ],
    },
    defaultDirs: merged.defaultDirs,
    errors: [],
  };
}
