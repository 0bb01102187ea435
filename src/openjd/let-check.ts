import { SIMPLE_ACTION_FIELDS } from './feature-bundle.js';
import { formatPath, type PathSegment, type Problem } from './problem.js';
import { expressionProblems, type ParamInfo, type ReferenceContext } from './references.js';
import { boundNames, parseBinding } from './schema/let.js';
import type { Environment } from './schema/script.js';
import type { StepTemplate } from './schema/step.js';

/**
 * What `openjd check` says about `let` bindings (EXPR, Template Schemas §3.6) beyond their form
 * (schema/let.ts): each expression may use only what its scope defines and the bindings before
 * it, and no binding may take the name of one it is nested in. The scopes:
 * - a step's `let`: Param (not PATH), RawParam, Job.Name, Step.Name; evaluated at submission;
 * - its script's (and a simple action's) `let`: the step's bindings and what the script sees
 *   (Session, Task.Param, Task.File);
 * - an environment script's `let`: Param, RawParam, Session, Env.File, Job.Name, and in a step's
 *   environment the step's bindings and name too.
 */

/** Checks one `let` list evaluated in `ctx` (whose `bound` are the enclosing bindings). */
function checkLet(
  bindings: readonly string[] | undefined,
  at: PathSegment[],
  params: readonly ParamInfo[],
  ctx: ReferenceContext,
  problems: Problem[],
): void {
  if (!bindings) return;
  const enclosing = ctx.bound ?? [];
  const names = boundNames(bindings);
  const earlier: string[] = [];
  const lets = [...(ctx.lets ?? [])]; // texts of those in scope, for their types
  bindings.forEach((text, i) => {
    const b = parseBinding(text);
    if ('error' in b) return; // the schema says why
    const path = formatPath([...at, i]);
    if (enclosing.includes(b.name))
      problems.push({
        path,
        message: `"${b.name}" is bound already in an enclosing let: give this binding another name`,
      });
    const first = (ref: string) =>
      ref === b.name
        ? `a binding cannot use its own value; it sees only the bindings before it`
        : names.includes(ref)
          ? `"${ref}" is bound after this binding: move it before`
          : undefined;
    const scope = { ...ctx, bound: [...enclosing, ...earlier], lets: [...lets] };
    for (const why of expressionProblems(b.expr, params, scope, first))
      problems.push({ path, message: `${b.name} = ${b.expr} ${why}` });
    earlier.push(b.name);
    lets.push(text);
  });
}

/** The `let` of an environment's script (a job's, a step's, or an environment template's). */
export function checkEnvironmentLet(
  env: Environment,
  base: PathSegment[],
  params: readonly ParamInfo[],
  problems: Problem[],
  outer: { bound?: readonly string[]; inStep?: boolean; lets?: readonly string[] } = {},
): void {
  const files = (env.script?.embeddedFiles ?? []).map((f) => f.name);
  const ctx: ReferenceContext = { where: 'environment', files, ...outer };
  checkLet(env.script?.let, [...base, 'script', 'let'], params, ctx, problems);
}

/** A step's own `let`, its script's, and its environments' scripts'. */
export function checkStepLets(
  step: StepTemplate,
  index: number,
  params: readonly ParamInfo[],
  problems: Problem[],
): void {
  const base: PathSegment[] = ['steps', index];
  checkLet(step.let, [...base, 'let'], params, { where: 'submission', inStep: true }, problems);
  const bound = boundNames(step.let);
  const ctx: ReferenceContext = {
    where: 'script',
    taskParams: (step.parameterSpace?.taskParameterDefinitions ?? []).map((p) => p.name),
    files: (step.script.embeddedFiles ?? []).map((f) => f.name),
    bound,
    inStep: true,
    lets: step.let,
    taskParamTypes: step.parameterSpace?.taskParameterDefinitions,
  };
  checkLet(step.script.let, [...base, 'script', 'let'], params, ctx, problems);
  (step.stepEnvironments ?? []).forEach((env, j) =>
    checkEnvironmentLet(env, [...base, 'stepEnvironments', j], params, problems, {
      bound,
      inStep: true,
      lets: step.let,
    }),
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Problems found in the normalized template, with a simple action's `let` named where the
 * template writes it (`steps[0].bash.let[1]`, not the `script.let` it stands for).
 */
export function atSimpleActions(doc: Record<string, unknown>, problems: Problem[]): Problem[] {
  if (!Array.isArray(doc.steps)) return problems;
  const moves = doc.steps.flatMap((step: unknown, i) => {
    const kind = isObject(step) ? SIMPLE_ACTION_FIELDS.find((k) => isObject(step[k])) : undefined;
    return kind ? [[`steps[${i}].script.let`, `steps[${i}].${kind}.let`] as const] : [];
  });
  if (moves.length === 0) return problems;
  return problems.map((p) => {
    const under = (from: string) =>
      p.path === from || p.path.startsWith(`${from}[`) || p.path.startsWith(`${from}.`);
    const m = moves.find(([from]) => under(from));
    return m ? { ...p, path: m[1] + p.path.slice(m[0].length) } : p;
  });
}
