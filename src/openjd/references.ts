import { checkExpression } from './expr-check.js';
import { scopeTypes } from './expr-scope-types.js';
import { parseFormatString } from './format-string.js';
import type { Problem } from './problem.js';
import { PARAMETER_TYPES, type ParameterType } from './schema/parameters.js';

/**
 * Which value references a format string may use where (2023-09 Template Schemas §7.3.1 and
 * §3.5/§4 scope lists; openjd-model-for-python `_variable_reference_validation.py`):
 * - at submission (job name, task parameter ranges, host requirements, manifest paths):
 *   `Param.*` of every type but PATH, `RawParam.*`;
 * - in an environment (script, embedded files, variables): all `Param.*`, `RawParam.*`,
 *   `Session.*` and `Env.File.*` of that environment's own files;
 * - in a step script: all `Param.*`, `RawParam.*`, `Session.*`, the step's `Task.Param.*`,
 *   `Task.RawParam.*` and `Task.File.*`.
 */

/**
 * Where a format string is evaluated, and what that place defines. With EXPR, `bound` are the
 * `let` bindings in scope there, `inStep` makes Step.Name defined, and Job.Name is defined
 * everywhere but in the job's own name (`jobName`). The static type check (expr-scope-types.ts)
 * reads `lets`, the bindings' texts in scope (outermost first), and the task parameters' types.
 */
export type ReferenceContext = (
  | { where: 'submission' }
  | { where: 'environment'; files: readonly string[] }
  | { where: 'script'; taskParams: readonly string[]; files: readonly string[] }
) & {
  bound?: readonly string[];
  inStep?: boolean;
  jobName?: boolean;
  lets?: readonly string[];
  taskParamTypes?: readonly { name: string; type: string }[];
};

/** A job parameter as the reference rules need it. */
export interface ParamInfo {
  name: string;
  type: ParameterType;
}

/**
 * The names and types a raw `parameterDefinitions` list defines; definitions with other
 * problems still define their names, so references to them do not fail too.
 */
export function paramInfos(list: readonly unknown[]): ParamInfo[] {
  return list.flatMap((p) => {
    const { name, type } = (p ?? {}) as Record<string, unknown>;
    return typeof name === 'string' && (PARAMETER_TYPES as string[]).includes(type as string)
      ? [{ name, type: type as ParamInfo['type'] }]
      : [];
  });
}

/** PATH and EXPR's LIST[PATH]: their Param value is path-mapped, so known only on the host. */
export const isPathType = (type: string) => type === 'PATH' || type === 'LIST[PATH]';

/** The session values every host-side format string may use. */
export const SESSION_VALUES = [
  'Session.WorkingDirectory',
  'Session.HasPathMappingRules',
  'Session.PathMappingRulesFile',
];

/** Every name a format string in `ctx` may reference (`expr`: with the EXPR extension). */
export function symbolsFor(
  params: readonly ParamInfo[],
  ctx: ReferenceContext,
  expr = false,
): Set<string> {
  const out = new Set<string>();
  if (expr) {
    for (const b of ctx.bound ?? []) out.add(b);
    if (!ctx.jobName) out.add('Job.Name');
    if (ctx.inStep) out.add('Step.Name');
  }
  for (const p of params) {
    out.add(`RawParam.${p.name}`);
    if (!isPathType(p.type) || ctx.where !== 'submission') out.add(`Param.${p.name}`);
  }
  if (ctx.where === 'submission') return out;
  for (const s of SESSION_VALUES) out.add(s);
  if (ctx.where === 'environment') for (const f of ctx.files) out.add(`Env.File.${f}`);
  else {
    for (const t of ctx.taskParams) out.add(`Task.Param.${t}`).add(`Task.RawParam.${t}`);
    for (const f of ctx.files) out.add(`Task.File.${f}`);
  }
  return out;
}

/**
 * Adds a problem for each reference in `value` that `ctx` does not define, and for each
 * expression: refused without the EXPR extension (`expr` false), else checked (expr-check.ts).
 */
export function checkReferences(
  value: string,
  path: string,
  params: readonly ParamInfo[],
  ctx: ReferenceContext,
  problems: Problem[],
  expr = false,
): void {
  const parsed = parseFormatString(value);
  if ('error' in parsed) return; // the schema reports the parse error
  const symbols = symbolsFor(params, ctx, expr);
  for (let part of parsed.parts) {
    // with EXPR a dotted name may read properties of a value (`{{ out_dir.name }}`)
    if ('ref' in part && expr && !symbols.has(part.ref)) part = { expr: part.ref };
    if ('expr' in part) {
      if (!expr) {
        problems.push({
          path,
          message: `{{ ${part.expr} }} is an expression, not a value reference: list EXPR in the template's extensions to evaluate it, or write {{ Scope.Name }} (for example {{ Param.Frames }})`,
        });
        continue;
      }
      const types = scopeTypes(params, ctx);
      for (const why of checkExpression(
        part.expr,
        symbols,
        (ref) => hint(ref, params, ctx, symbols),
        true,
        ctx.where !== 'submission',
        types,
      ))
        problems.push({ path, message: `{{ ${part.expr} }} ${why}` });
      continue;
    }
    if (!('ref' in part) || symbols.has(part.ref)) continue;
    problems.push({
      path,
      message: `{{${part.ref}}} is not defined here: ${hint(part.ref, params, ctx, symbols)}`,
    });
  }
}

/**
 * What is wrong with one EXPR expression evaluated in `ctx` (`let` bindings' own expressions),
 * each a sentence to follow it; `first` may explain an undefined name before the general hints.
 */
export function expressionProblems(
  src: string,
  params: readonly ParamInfo[],
  ctx: ReferenceContext,
  first: (ref: string) => string | undefined = () => undefined,
): string[] {
  const symbols = symbolsFor(params, ctx, true);
  const why = (ref: string) => first(ref) ?? hint(ref, params, ctx, symbols);
  // a binding's value may be a list
  return checkExpression(
    src,
    symbols,
    why,
    false,
    ctx.where !== 'submission',
    scopeTypes(params, ctx),
  );
}

function hint(
  ref: string,
  params: readonly ParamInfo[],
  ctx: ReferenceContext,
  symbols: Set<string>,
): string {
  const [scope] = ref.split('.');
  const pathParam = params.find((p) => isPathType(p.type) && ref === `Param.${p.name}`);
  if (pathParam && ctx.where === 'submission')
    return `the Param value of a PATH parameter is known only on the host; use {{RawParam.${pathParam.name}}} here`;
  if (scope === 'Session' && ctx.where === 'submission')
    return 'Session values are known only on the host: use them in environments and step scripts';
  if (scope === 'Task' && ctx.where !== 'script')
    return "Task values exist only in a step's script";
  if (ref === 'Step.Name' && !ctx.inStep) return 'Step.Name exists only inside a step';
  if (ref === 'Job.Name' && ctx.jobName)
    return "the job's name cannot use itself: write it from Param values";
  if (scope === 'Env' && ctx.where !== 'environment')
    return 'Env.File values exist only inside the environment that embeds the file';
  const near = closest(ref, symbols);
  if (near) return `did you mean {{${near}}}?`;
  if (scope === 'Param' || scope === 'RawParam')
    return 'no job parameter has that name; define it in parameterDefinitions';
  if (scope === 'Task' || scope === 'Env')
    return 'no task parameter or embedded file of this script has that name';
  return `2023-09 defines ${[...new Set([...symbols].map((s) => s.split('.')[0]))].join(', ') || 'no values'} here`;
}

/** The defined name nearest to `ref` (case-insensitive equal, or at most two edits away). */
function closest(ref: string, symbols: Set<string>): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const s of symbols) {
    const d = s.toLowerCase() === ref.toLowerCase() ? 0 : editDistance(s, ref);
    if (d < bestD) {
      best = s;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(
        cur + 1,
        (row[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = cur;
    }
  }
  return row[b.length] as number;
}
