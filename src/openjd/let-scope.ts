import { evaluateValue, type BoundValue, type ExprLookup } from './expr-eval.js';
import { resolveFormatString } from './format-string.js';
import { OpenjdInstantiationError, formatPath, type PathSegment } from './problem.js';
import { parseBinding } from './schema/let.js';

/**
 * What EXPR adds to a format string's values where it is resolved (check-time rules are in
 * let-check.ts): Job.Name and, inside a step, Step.Name; then the `let` bindings in scope, each
 * evaluated in order against what came before it. A step's bindings see only submission values,
 * so they come out the same at submission (ranges) and on the host (scripts, environments).
 */

/**
 * `lookup` with Job.Name (the template's name resolved with `lookup`, as at submission) and,
 * given a step name, Step.Name.
 */
export function withNames(lookup: ExprLookup, templateName: string, stepName?: string): ExprLookup {
  const r = resolveFormatString(templateName, lookup);
  const job = 'value' in r ? r.value : templateName;
  return (ref) =>
    ref === 'Job.Name'
      ? job
      : ref === 'Step.Name' && stepName !== undefined
        ? stepName
        : lookup(ref);
}

/**
 * `lookup` with the bindings of one `let` list (at `at` in the template) on top. Throws
 * OpenjdInstantiationError naming the binding when one cannot be evaluated with these values.
 */
export function withBindings(
  bindings: readonly string[] | undefined,
  at: PathSegment[],
  lookup: ExprLookup,
): ExprLookup {
  if (!bindings?.length) return lookup;
  const values = new Map<string, BoundValue>();
  const scoped: ExprLookup = (ref) => values.get(ref) ?? lookup(ref);
  bindings.forEach((text, i) => {
    const b = parseBinding(text);
    const r = 'error' in b ? b : evaluateValue(b.expr, scoped);
    if ('error' in r)
      throw new OpenjdInstantiationError([
        { path: formatPath([...at, i]), message: `${text}: ${r.error}` },
      ]);
    values.set((b as { name: string }).name, { bound: r.value });
  });
  return scoped;
}
