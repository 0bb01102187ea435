import { chunkedValues, isChunkParameter } from './chunking.js';
import type { ExprLookup } from './expr-eval.js';
import { combinationLength, combinationPoints } from './combination.js';
import type { JobParameterValues } from './job-parameters.js';
import { withBindings, withNames } from './let-scope.js';
import { rawListType } from './list-parameter.js';
import type { ReadManifest } from './manifest-range.js';
import { OpenjdInstantiationError, formatPath, type Problem } from './problem.js';
import { isPathType } from './references.js';
import type { StepTemplate } from './schema/step.js';
import type { JobTemplate } from './schema/template.js';
import { MAX_TASKS_PER_STEP, stepCombination } from './space-rules.js';
import { taskParameterValues, type TaskParameterValue } from './task-values.js';

/** One task of a step: its position in the step's order and its task parameter values. */
export interface TaskSpec {
  index: number;
  params: Record<string, TaskParameterValue>;
}

/** The step named `name` and its index; throws when the template has none. */
export function findStep(
  template: JobTemplate,
  name: string,
): { step: StepTemplate; index: number } {
  const index = template.steps.findIndex((s) => s.name === name);
  const step = template.steps[index];
  if (!step)
    throw new OpenjdInstantiationError([
      {
        path: 'steps',
        message: `no step is named "${name}" (the template has ${template.steps.map((s) => s.name).join(', ')})`,
      },
    ]);
  return { step, index };
}

/** Looks up the values format strings may use at submission: `Param.*` (but PATH) and `RawParam.*`. */
export function submissionLookup(jobParams: JobParameterValues): ExprLookup {
  return (ref) => {
    const [scope, name, ...rest] = ref.split('.');
    if (rest.length || name === undefined || !Object.hasOwn(jobParams, name)) return undefined;
    const p = jobParams[name];
    if (!p) return undefined;
    if (scope === 'Param' && !isPathType(p.type)) return p;
    if (scope === 'RawParam')
      return p.type === 'PATH' ? p.value : { type: rawListType(p.type), value: p.value };
    return undefined;
  };
}

/** Whether a step's tasks wait for a manifest (the CLUSTER_TOOL_MANIFEST_RANGE extension). */
export function isDynamicStep(step: StepTemplate): boolean {
  return (step.parameterSpace?.taskParameterDefinitions ?? []).some(
    (p) => p.manifest !== undefined,
  );
}

/**
 * Expands a step's parameter space into its tasks, in the order the spec defines (ranges in
 * their order, products row-major, associations element by element). A step without a parameter
 * space has one task. Manifest parameters are read through `readManifest`, which expansion needs
 * exactly when the step is dynamic; call it when the step's dependencies have finished. Throws
 * OpenjdInstantiationError when a range resolves to something invalid or a manifest is unusable.
 */
export function expandStep(
  template: JobTemplate,
  stepName: string,
  jobParams: JobParameterValues,
  readManifest?: ReadManifest,
): TaskSpec[] {
  const { step, index } = findStep(template, stepName);
  const space = step.parameterSpace;
  if (!space) return [{ index: 0, params: {} }];
  const lookup = withBindings(
    step.let,
    ['steps', index, 'let'],
    withNames(submissionLookup(jobParams), template.name, step.name),
  );
  const problems: Problem[] = [];
  const values = new Map<string, string[]>();
  space.taskParameterDefinitions.forEach((p, k) => {
    const r = taskParameterValues(p, step.name, lookup, readManifest);
    const base = [
      'steps',
      index,
      'parameterSpace',
      'taskParameterDefinitions',
      k,
      p.manifest ? 'manifest' : 'range',
    ];
    const c = 'values' in r && isChunkParameter(p) ? chunkedValues(p, r.values, lookup) : r;
    if ('error' in c) {
      const at =
        c.at === undefined
          ? base
          : c.at.startsWith('chunks')
            ? [...base.slice(0, -1), ...c.at.split('.')]
            : [...base, /^\d+$/.test(c.at) ? Number(c.at) : c.at];
      problems.push({ path: formatPath(at), message: c.error });
    } else values.set(p.name, c.values);
  });
  if (problems.length) throw new OpenjdInstantiationError(problems);
  const combo = stepCombination(step);
  if (!combo || 'error' in combo)
    throw new OpenjdInstantiationError([
      {
        path: formatPath(['steps', index, 'parameterSpace']),
        message: 'is not valid: validate the template first',
      },
    ]);
  const lengths = new Map([...values].map(([k, v]) => [k, v.length]));
  const total = combinationLength(combo, lengths);
  const at = formatPath(['steps', index, 'parameterSpace']);
  if ('error' in total) throw new OpenjdInstantiationError([{ path: at, message: total.error }]);
  if (total.length > MAX_TASKS_PER_STEP)
    throw new OpenjdInstantiationError([
      {
        path: at,
        message: `makes ${total.length} tasks; at most ${MAX_TASKS_PER_STEP} are allowed`,
      },
    ]);
  return combinationPoints(combo, lengths).map((point, i) => ({
    index: i,
    params: Object.fromEntries(
      space.taskParameterDefinitions.map((p) => [
        p.name,
        { type: p.type, value: values.get(p.name)?.[point[p.name] ?? 0] ?? '' },
      ]),
    ),
  }));
}
