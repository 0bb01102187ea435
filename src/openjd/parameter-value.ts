import { checkListValue, isListType } from './list-parameter.js';
import { rangeExprProblem } from './range-expr.js';
import type { JobParameterDefinition } from './schema/parameters.js';
import {
  BOOL_SPELLINGS,
  INT64_RANGE,
  INT_STRING,
  floatText,
  toBool,
  toFloat,
  toInt,
} from './values.js';

/**
 * One job parameter's value against its definition (2023-09 Template Schemas §2): its type, its
 * constraints, and the text format strings see. Messages name the value, not the parameter.
 */

/** Whether a value is written as an integer, whatever its size. */
const isIntegerText = (v: unknown) =>
  typeof v === 'bigint' ||
  (typeof v === 'number' && Number.isInteger(v)) ||
  (typeof v === 'string' && INT_STRING.test(v));

/** A value as a message quotes it, cut short when long. */
export const show = (v: unknown) => {
  const s = typeof v === 'string' || typeof v === 'bigint' ? String(v) : JSON.stringify(v);
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
};

/** The value's text for format strings, or why it is not a value of `def`. */
export function checkValue(
  def: JobParameterDefinition,
  raw: unknown,
): { value: string } | { error: string } {
  if (def.type === 'INT' || def.type === 'FLOAT') {
    const num = (v: unknown): number | bigint | undefined =>
      def.type === 'INT' ? toInt(v) : toFloat(v);
    const v = ['number', 'string', 'bigint'].includes(typeof raw) ? num(raw) : undefined;
    if (v === undefined && def.type === 'INT' && isIntegerText(raw))
      return { error: `${show(raw)} is not ${INT64_RANGE}` };
    if (v === undefined)
      return { error: `${show(raw)} is not ${def.type === 'INT' ? 'an integer' : 'a number'}` };
    const allowed = def.allowedValues?.map(num);
    if (allowed && !allowed.includes(v))
      return { error: `${v} is not one of the allowed values ${def.allowedValues?.join(', ')}` };
    const min = def.minValue === undefined ? undefined : num(def.minValue);
    const max = def.maxValue === undefined ? undefined : num(def.maxValue);
    if (min !== undefined && v < min) return { error: `${v} is less than the minimum ${min}` };
    if (max !== undefined && v > max) return { error: `${v} is more than the maximum ${max}` };
    return { value: def.type === 'INT' ? String(v) : floatText(raw as number | bigint | string) };
  }
  if (isListType(def.type))
    return checkListValue(def as { name: string; type: typeof def.type }, raw, checkValue);
  if (def.type === 'BOOL') {
    // written as `string()` writes a bool, which is how expressions read it back (expr-eval.ts)
    const b = toBool(raw);
    return b === undefined
      ? { error: `${show(raw)} is not ${BOOL_SPELLINGS}` }
      : { value: String(b) };
  }
  if (typeof raw !== 'string' && typeof raw !== 'number')
    return { error: `must be a string, not ${show(raw)}` };
  const s = String(raw);
  if (s.length > 1024) return { error: `is ${s.length} characters long; at most 1024 are allowed` };
  if (def.type === 'RANGE_EXPR') {
    const why = rangeExprProblem(s);
    if (why) return { error: `${show(s)} is not a range expression: ${why}` };
  }
  if ('allowedValues' in def && def.allowedValues && !def.allowedValues.includes(s))
    return {
      error: `${show(s)} is not one of the allowed values ${def.allowedValues.map((a) => JSON.stringify(a)).join(', ')}`,
    };
  if (def.minLength !== undefined && s.length < def.minLength)
    return { error: `${show(s)} is shorter than the minimum length ${def.minLength}` };
  if (def.maxLength !== undefined && s.length > def.maxLength)
    return { error: `${show(s)} is longer than the maximum length ${def.maxLength}` };
  return { value: s };
}
