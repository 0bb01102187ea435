import path from 'node:path';
import { describeJob, stepOrder, type StepSummary } from './describe.js';
import { resolveJobParameters } from './job-parameters.js';
import { resolveNumericFields } from './numeric-fields.js';
import { applyEnvironmentTemplates, type EnvironmentTemplateInput } from './job-plan.js';
import type { LoadedTemplate } from './load.js';
import type { Problem } from './problem.js';
import { jobResources, openjdArch } from './slurm-resources.js';

/** What `openjd check` decides about a template and the values given for it. */
export interface CheckResult {
  errors: Problem[];
  /** The job's name, resolved when every parameter has a value. */
  name: string | null;
  /** The steps in dependency order; task counts only when every parameter has a value. */
  steps: StepSummary[];
  /** The resolved parameter values, as format strings see them. */
  parameters: Record<string, string>;
  /** Parameters with neither a default nor a given value: fine for a template, needed to submit. */
  unset: string[];
}

/**
 * The decision of `openjd check`: the template alone is validated; the values given (a
 * bundle's parameter_values, `-p`) and the defaults are checked when present. A parameter
 * with no value is not an error here (the specification's template validation has no values),
 * only the job's name, task counts and host requirements wait for it; `submit` needs them all.
 * Environment templates (`--env`) are validated and their parameters merged with the job's as
 * `submit` does (job-plan.ts applyEnvironmentTemplates).
 */
export function checkTemplate(
  loaded: LoadedTemplate,
  given: Readonly<Record<string, string>>,
  hostArch: string = openjdArch(process.arch),
  environments: readonly EnvironmentTemplateInput[] = [],
): CheckResult {
  const out: CheckResult = {
    errors: [...loaded.errors],
    name: null,
    steps: [],
    parameters: {},
    unset: [],
  };
  if (!loaded.template || out.errors.length > 0) return out;
  const base = loaded.bundleDir ?? path.dirname(path.resolve(loaded.templatePath));
  const withEnvs = applyEnvironmentTemplates(loaded.template, environments, base);
  out.errors.push(...withEnvs.errors);
  const t = withEnvs.template;
  if (!t || out.errors.length > 0) return out;
  // -p paths are the caller's, relative to where they run; bundle values are relative to the bundle.
  const cwd = process.cwd();
  const resolved = resolveJobParameters(
    t,
    { ...loaded.parameterValues, ...given },
    {
      relativePathsFrom: loaded.bundleDir,
      givenPathsFrom: Object.fromEntries(Object.keys(given).map((n) => [n, cwd])),
      allowUnset: true,
      defaultPathsFrom: withEnvs.defaultDirs,
    },
  );
  out.errors.push(...resolved.errors);
  out.unset = resolved.unset;
  out.parameters = Object.fromEntries(
    Object.entries(resolved.values).map(([k, v]) => [k, v.value]),
  );
  if (resolved.errors.length > 0) return out;
  if (resolved.unset.length > 0) {
    out.steps = stepOrder(t).map((name) => {
      const step = t.steps.find((s) => s.name === name);
      return {
        name,
        dependsOn: (step?.dependencies ?? []).map((d) => d.dependsOn),
        tasks: null,
        manifestParameters: [],
        environments: [...(t.jobEnvironments ?? []), ...(step?.stepEnvironments ?? [])].map(
          (e) => e.name,
        ),
      };
    });
    return out;
  }
  const summary = describeJob(t, resolved.values);
  out.name = summary.name;
  out.steps = summary.steps;
  out.errors.push(...summary.errors);
  // what `submit openjd` would refuse: numeric fields whose format strings make no number, and
  // host requirements Slurm cannot be asked for
  const numeric = resolveNumericFields(t, resolved.values);
  out.errors.push(...numeric.errors);
  if (numeric.errors.length === 0)
    out.errors.push(...jobResources(numeric.template, resolved.values, hostArch).problems);
  return out;
}
