import {
  combinationLength,
  defaultCombination,
  namesIn,
  parseCombination,
  type CombinationNode,
} from './combination.js';
import { hasReferences } from './format-string.js';
import { formatPath, type Problem } from './problem.js';
import { parseRangeExpr, rangeValueLimit } from './range-expr.js';
import type { ParameterSpace, StepTemplate } from './schema/step.js';
import { staticLength } from './task-values.js';

/** Most tasks one step may expand to: the expansion is eager and every task is stored. */
export const MAX_TASKS_PER_STEP = 100_000;

/** The step's combination expression, parsed (the default product when it gives none). */
export function stepCombination(
  step: Pick<StepTemplate, 'parameterSpace'>,
): CombinationNode | { error: string } | undefined {
  const space = step.parameterSpace;
  if (!space) return undefined;
  if (space.combination === undefined)
    return defaultCombination(space.taskParameterDefinitions.map((p) => p.name));
  return parseCombination(space.combination);
}

/**
 * Checks a step's parameter space before submission: range expressions that hold no references,
 * the combination expression (every parameter exactly once), and the lengths of associated
 * ranges and the task count where the ranges are already known.
 */
export function checkParameterSpace(
  space: ParameterSpace | undefined,
  index: number,
  problems: Problem[],
): void {
  if (!space) return;
  const at = (...more: (string | number)[]) =>
    formatPath(['steps', index, 'parameterSpace', ...more]);
  space.taskParameterDefinitions.forEach((p, k) => {
    if (typeof p.range === 'string' && !hasReferences(p.range)) {
      const r = parseRangeExpr(p.range, rangeValueLimit(p));
      if ('error' in r)
        problems.push({ path: at('taskParameterDefinitions', k, 'range'), message: r.error });
    }
  });
  const combo = stepCombination({ parameterSpace: space });
  if (!combo) return;
  if ('error' in combo) {
    problems.push({ path: at('combination'), message: combo.error });
    return;
  }
  const defined = space.taskParameterDefinitions.map((p) => p.name);
  const used = namesIn(combo);
  const bad: string[] = [];
  for (const n of defined)
    if (!used.includes(n)) bad.push(`${n} is missing: use every task parameter exactly once`);
  for (const n of new Set(used)) {
    if (!defined.includes(n)) bad.push(`${n} is not a task parameter of this step`);
    else if (used.filter((u) => u === n).length > 1)
      bad.push(`${n} appears more than once: use each task parameter once`);
  }
  for (const message of bad) problems.push({ path: at('combination'), message });
  if (bad.length) return;
  const lengths = new Map<string, number>();
  for (const p of space.taskParameterDefinitions) {
    const n = staticLength(p);
    if (n === undefined) return; // known only at submission or when the step becomes ready
    lengths.set(p.name, n);
  }
  const total = combinationLength(combo, lengths);
  if ('error' in total)
    problems.push({
      path: at(space.combination === undefined ? 'taskParameterDefinitions' : 'combination'),
      message: total.error,
    });
  else if (total.length > MAX_TASKS_PER_STEP)
    problems.push({
      path: at(),
      message: `makes ${total.length} tasks; at most ${MAX_TASKS_PER_STEP} are allowed`,
    });
}
