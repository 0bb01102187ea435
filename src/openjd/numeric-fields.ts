import { submissionLookup } from './expand.js';
import { FEATURE_BUNDLE_1 } from './feature-bundle.js';
import { evaluateValue, type ExprLookup } from './expr-eval.js';
import { parseFormatString, resolveFormatString } from './format-string.js';
import type { JobParameterValues } from './job-parameters.js';
import { formatPath, type PathSegment, type Problem } from './problem.js';
import { withBindings, withNames } from './let-scope.js';
import { checkReferences, type ParamInfo, type ReferenceContext } from './references.js';
import { boundNames } from './schema/let.js';
import type { JobTemplate } from './schema/template.js';
import { FLOAT_STRING, INT_STRING } from './values.js';

/**
 * Format strings in numeric fields (FEATURE_BUNDLE_1, RFC 0004): an action's `timeout` and
 * `cancelation.notifyPeriodInSeconds`, a host requirement amount's `min` and `max`. Without the
 * extension they are refused; with it they may name job parameters only, and are resolved at
 * submission (`resolveNumericFields`) and then checked as the number the field needs, so every
 * task runs with numbers.
 */

type Kind = 'timeout' | 'notifyPeriodInSeconds' | 'min' | 'max';
type Raw = Record<string, unknown>;
interface Site {
  at: PathSegment[];
  holder: Raw;
  key: Kind;
}
const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);
const items = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** What each field must hold once resolved, or why a value does not. */
const RULES: Record<Kind, (text: string) => number | string> = {
  timeout: (t) => whole(t, 1, undefined, 'a whole number of seconds, at least 1'),
  notifyPeriodInSeconds: (t) => whole(t, 1, 600, 'a whole number of seconds from 1 to 600'),
  min: (t) => decimal(t, (n) => n >= 0, 'a number, zero or more'),
  max: (t) => decimal(t, (n) => n > 0, 'a number more than zero'),
};

function whole(t: string, min: number, max: number | undefined, need: string): number | string {
  const n = INT_STRING.test(t) ? Number(t) : NaN;
  return Number.isSafeInteger(n) && n >= min && (max === undefined || n <= max) ? n : need;
}
function decimal(t: string, ok: (n: number) => boolean, need: string): number | string {
  const n = FLOAT_STRING.test(t) ? Number(t) : NaN;
  return Number.isFinite(n) && ok(n) ? n : need;
}

/** Each numeric field of a job template or environment template document (raw or validated). */
function numericSites(doc: Raw): Site[] {
  const out: Site[] = [];
  const add = (holder: unknown, key: Kind, at: PathSegment[]) => {
    if (isObject(holder) && holder[key] !== undefined) out.push({ at: [...at, key], holder, key });
  };
  const action = (a: unknown, at: PathSegment[]) => {
    if (!isObject(a)) return;
    add(a, 'timeout', at);
    add(a.cancelation, 'notifyPeriodInSeconds', [...at, 'cancelation']);
  };
  const actions = (script: unknown, at: PathSegment[]) => {
    const acts = isObject(script) && isObject(script.actions) ? script.actions : {};
    for (const [k, a] of Object.entries(acts)) action(a, [...at, 'script', 'actions', k]);
  };
  const environment = (e: unknown, at: PathSegment[]) => {
    if (isObject(e)) actions(e.script, at);
  };
  environment(doc.environment, ['environment']);
  items(doc.jobEnvironments).forEach((e, i) => environment(e, ['jobEnvironments', i]));
  items(doc.steps).forEach((s, i) => {
    if (!isObject(s)) return;
    const at = ['steps', i];
    actions(s.script, at);
    items(s.stepEnvironments).forEach((e, j) => environment(e, [...at, 'stepEnvironments', j]));
    const req = isObject(s.hostRequirements) ? s.hostRequirements : {};
    items(req.amounts).forEach((a, j) => {
      add(a, 'min', [...at, 'hostRequirements', 'amounts', j]);
      add(a, 'max', [...at, 'hostRequirements', 'amounts', j]);
    });
  });
  return out;
}

/**
 * A problem for each format string in a numeric field of the (raw) document: refused unless the
 * bundle is `declared`, else its references checked as the job name's are (job parameters only);
 * one with no references (`"30"`) is checked as its number now.
 */
export function checkNumericFields(
  doc: Raw,
  declared: boolean,
  params: readonly ParamInfo[],
  expr: boolean,
  problems: Problem[],
): void {
  for (const { at, holder, key } of numericSites(doc)) {
    const v = holder[key];
    if (typeof v !== 'string') continue;
    const path = formatPath(at);
    if (!declared)
      problems.push({
        path,
        message: `a format string in a numeric field needs the ${FEATURE_BUNDLE_1} extension: list it in extensions, or give a number`,
      });
    else if (!v.includes('{{')) {
      // nothing to resolve: checked now as the number it must be
      const n = RULES[key](v.trim());
      if (typeof n === 'string')
        problems.push({ path, message: `${JSON.stringify(v)}: must be ${n}` });
    } else checkReferences(v, path, params, submissionContext(doc, at), problems, expr);
  }
}

/** Whether `value` is one `{{ expression }}` that evaluates to null (it writes as ""). */
function isNullExpression(value: string, lookup: ExprLookup): boolean {
  const parsed = parseFormatString(value);
  if ('error' in parsed || parsed.parts.length !== 1) return false;
  const [part] = parsed.parts;
  if (!part || !('expr' in part)) return false;
  const r = evaluateValue(part.expr, lookup);
  return 'value' in r && r.value.t === 'null';
}

/** What a numeric field may name: job parameters, and in a step its name and `let` (EXPR). */
function submissionContext(doc: Raw, at: PathSegment[]): ReferenceContext {
  const step = at[0] === 'steps' ? items(doc.steps)[at[1] as number] : undefined;
  if (!isObject(step)) return { where: 'submission' };
  const bindings = Array.isArray(step.let) ? step.let.filter((b) => typeof b === 'string') : [];
  return { where: 'submission', inStep: true, bound: boundNames(bindings), lets: bindings };
}

/**
 * The template with each format string in a numeric field resolved from the job's parameters and
 * checked as that field's number; a problem naming the field and the resolved value for each
 * that is not one. A field whose lone expression is null is left out. A template without such
 * fields is returned as it is.
 */
export function resolveNumericFields(
  template: JobTemplate,
  values: JobParameterValues,
): { template: JobTemplate; errors: Problem[] } {
  if (!numericSites(template as unknown as Raw).some((s) => typeof s.holder[s.key] === 'string'))
    return { template, errors: [] };
  const copy = structuredClone(template);
  const errors: Problem[] = [];
  const lookup = withNames(submissionLookup(values), copy.name);
  // a step's fields see its name and bindings
  const stepLookup = (i: number) => {
    const step = copy.steps[i];
    if (!step) return lookup;
    const named = withNames(lookup, copy.name, step.name);
    return withBindings(step.let, ['steps', i, 'let'], named);
  };
  for (const { at, holder, key } of numericSites(copy as unknown as Raw)) {
    const v = holder[key];
    if (typeof v !== 'string') continue;
    const path = formatPath(at);
    const here = at[0] === 'steps' ? stepLookup(at[1] as number) : lookup;
    const r = resolveFormatString(v, here);
    if ('error' in r) {
      errors.push({ path, message: r.error });
      continue;
    }
    if (r.value === '' && isNullExpression(v, here)) {
      // EXPR: an optional field whose expression is null is left out, as if not given
      delete holder[key];
      continue;
    }
    const n = RULES[key](r.value.trim());
    if (typeof n === 'number') holder[key] = n;
    else
      errors.push({ path, message: `${v} resolves to ${JSON.stringify(r.value)}; must be ${n}` });
  }
  // a resolved amount range is checked as a literal one is
  if (!errors.length)
    copy.steps.forEach((s, i) =>
      s.hostRequirements?.amounts?.forEach((a, j) => {
        if (typeof a.min === 'number' && typeof a.max === 'number' && a.max < a.min)
          errors.push({
            path: formatPath(['steps', i, 'hostRequirements', 'amounts', j, 'max']),
            message: `resolves to ${a.max}, less than min (${a.min}): must be at least min`,
          });
      }),
    );
  return { template: copy, errors };
}
