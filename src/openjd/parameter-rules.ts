import { formatPath, type Problem } from './problem.js';
import type { JobParameterDefinition } from './schema/parameters.js';
import { checkValue } from './parameter-value.js';
import { checkUserInterface } from './ui-rules.js';
import { toFloat, toInt } from './values.js';

/**
 * Cross-field rules of a job parameter definition (2023-09 Template Schemas §2; the checks of
 * openjd-model-for-python `v2023_09/_model.py`): bounds in order, allowed values inside them, the
 * default inside them and among the allowed values. For EXPR's list types `minLength` and
 * `maxLength` count items.
 */
export function checkParameterDefinition(
  def: JobParameterDefinition,
  index: number,
  problems: Problem[],
): void {
  const at = (...more: (string | number)[]) => formatPath(['parameterDefinitions', index, ...more]);
  checkUserInterface(def, index, problems);
  if (def.type === 'BOOL') return; // its default is the schema's to check; it has no constraints
  if (def.type === 'INT' || def.type === 'FLOAT') {
    const num = (v: unknown): number | bigint | undefined =>
      def.type === 'INT' ? toInt(v) : toFloat(v);
    const min = def.minValue === undefined ? undefined : num(def.minValue);
    const max = def.maxValue === undefined ? undefined : num(def.maxValue);
    if (min !== undefined && max !== undefined && min > max)
      problems.push({ path: at('maxValue'), message: `must be at least minValue (${min})` });
    const outside = (v: number | bigint) =>
      min !== undefined && v < min
        ? `is less than minValue (${min})`
        : max !== undefined && v > max
          ? `is more than maxValue (${max})`
          : undefined;
    const allowed = def.allowedValues?.map(num);
    allowed?.forEach((v, i) => {
      const why = v === undefined ? undefined : outside(v);
      if (why) problems.push({ path: at('allowedValues', i), message: why });
    });
    if (def.default !== undefined) {
      const v = num(def.default);
      const why = v === undefined ? undefined : outside(v);
      if (why) problems.push({ path: at('default'), message: why });
      else if (allowed && v !== undefined && !allowed.includes(v))
        problems.push({ path: at('default'), message: 'must be one of allowedValues' });
    }
    return;
  }
  const { minLength: min, maxLength: max } = def;
  if (min !== undefined && min < 0)
    problems.push({ path: at('minLength'), message: 'must be 0 or more' });
  if (max !== undefined && max < 1)
    problems.push({ path: at('maxLength'), message: 'must be at least 1' });
  if (min !== undefined && max !== undefined && min > max)
    problems.push({ path: at('maxLength'), message: `must be at least minLength (${min})` });
  // EXPR's RANGE_EXPR and lists: the default is a value like any other (a list's items too)
  if (def.type !== 'STRING' && def.type !== 'PATH') {
    const r = def.default === undefined ? undefined : checkValue(def, def.default);
    if (r && 'error' in r) problems.push({ path: at('default'), message: r.error });
    return;
  }
  const outside = (s: string) =>
    min !== undefined && s.length < min
      ? `is shorter than minLength (${min})`
      : max !== undefined && s.length > max
        ? `is longer than maxLength (${max})`
        : undefined;
  def.allowedValues?.forEach((v, i) => {
    const why = outside(v);
    if (why) problems.push({ path: at('allowedValues', i), message: why });
  });
  if (def.default !== undefined) {
    const why = outside(def.default);
    if (why) problems.push({ path: at('default'), message: why });
    else if (def.allowedValues && !def.allowedValues.includes(def.default))
      problems.push({ path: at('default'), message: 'must be one of allowedValues' });
  }
}
