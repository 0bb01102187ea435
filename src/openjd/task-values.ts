import { evaluateValue, valueText, type ExprLookup } from './expr-eval.js';
import { hasReferences, parseFormatString, resolveFormatString } from './format-string.js';
import { MAX_MANIFEST_VALUES, manifestPathProblem, type ReadManifest } from './manifest-range.js';
import { parseRangeExpr, rangeValueLimit } from './range-expr.js';
import { CHUNK_INT } from './schema/chunks.js';
import type { ParameterType } from './schema/parameters.js';
import type { TaskParameter } from './schema/step.js';
import { floatText, toFloat, toInt } from './values.js';

/** A task parameter's value in one task: its type and the text format strings see. */
export interface TaskParameterValue {
  type: TaskParameter['type'];
  value: string;
}

/** The number of values a task parameter has, when it is known before submission. */
export function staticLength(p: TaskParameter): number | undefined {
  if (p.manifest) return undefined;
  // A CHUNK[INT]'s task count depends on its chunk size, known at submission.
  if (p.type === CHUNK_INT) return undefined;
  if (typeof p.range === 'string') {
    if (hasReferences(p.range)) return undefined;
    const r = parseRangeExpr(p.range);
    return 'values' in r ? r.values.length : undefined;
  }
  return p.range?.length;
}

/** The type each of a parameter's values has: a CHUNK[INT]'s values are integers. */
function valueType(p: TaskParameter): ParameterType {
  return p.type === CHUNK_INT ? 'INT' : p.type;
}

/**
 * Checks one resolved value against the parameter's type; returns its canonical text or why
 * not, quoting the value unless `quote` is false.
 */
export function typedValue(
  type: ParameterType,
  raw: string,
  quote = true,
): { value: string } | { error: string } {
  if (raw.length > 1024)
    return { error: `a value is ${raw.length} characters long; at most 1024 are allowed` };
  const it = quote ? `"${raw}"` : 'it';
  if (type === 'INT') {
    const n = toInt(raw);
    return n === undefined ? { error: `${it} is not an integer` } : { value: String(n) };
  }
  if (type === 'FLOAT')
    return toFloat(raw) === undefined
      ? { error: `${it} is not a number` }
      : { value: floatText(raw) };
  return { value: raw };
}

/**
 * The values of one task parameter, in range order: format strings resolved with `lookup`
 * (submission scope), range expressions expanded, manifests read through `readManifest`.
 */
export function taskParameterValues(
  p: TaskParameter,
  stepName: string,
  lookup: ExprLookup,
  readManifest: ReadManifest | undefined,
): { values: string[] } | { error: string; at?: string } {
  const resolve = (s: string) => resolveFormatString(s, lookup);
  if (p.manifest) return manifestValues(p, stepName, resolve, readManifest);
  if (typeof p.range === 'string') {
    const listed = listRange(p.range, lookup, rangeValueLimit(p));
    if (listed) return typedValues(p, listed);
    if (p.type !== 'INT' && p.type !== CHUNK_INT)
      return { error: 'must be a list, or one {{ }} expression that gives a list (EXPR)' };
    const r = resolve(p.range);
    if ('error' in r) return r;
    const parsed = parseRangeExpr(r.value, rangeValueLimit(p));
    if ('error' in parsed) return { error: `resolves to "${r.value}": ${parsed.error}` };
    return { values: parsed.values.map(String) };
  }
  const values: string[] = [];
  for (const [i, item] of (p.range ?? []).entries()) {
    let text: string;
    if (typeof item === 'number') text = p.type === 'FLOAT' ? floatText(item) : String(item);
    else {
      const r = resolve(item);
      if ('error' in r) return { ...r, at: String(i) };
      text = r.value;
    }
    const typed = typedValue(valueType(p), text);
    if ('error' in typed) return { error: typed.error, at: String(i) };
    values.push(typed.value);
  }
  return { values };
}

/**
 * A range written as one `{{ }}` whose value is a list (EXPR: `"{{Param.Items}}"` of a list job
 * parameter): its items as text, or why it is not usable; undefined when it is no such range.
 */
function listRange(
  range: string,
  lookup: ExprLookup,
  limit: number,
): string[] | { error: string } | undefined {
  const parsed = parseFormatString(range);
  if ('error' in parsed || parsed.parts.length !== 1) return undefined;
  const part = parsed.parts[0];
  const src = part && ('ref' in part ? part.ref : 'expr' in part ? part.expr : undefined);
  if (src === undefined) return undefined;
  const r = evaluateValue(src, lookup);
  if ('error' in r || r.value.t !== 'list') return undefined;
  const items: string[] = [];
  for (const item of r.value.v) {
    if (item.t === 'list') return { error: `resolves to a list of lists: give a list of values` };
    items.push(valueText(item));
  }
  if (items.length === 0) return { error: 'resolves to an empty list: give at least one value' };
  if (items.length > limit)
    return { error: `resolves to ${items.length} values; at most ${limit} are allowed` };
  return items;
}

/** The values of a list range, each checked against the parameter's type. */
function typedValues(
  p: TaskParameter,
  listed: string[] | { error: string },
): { values: string[] } | { error: string; at?: string } {
  if (!Array.isArray(listed)) return listed;
  const values: string[] = [];
  for (const [i, v] of listed.entries()) {
    const typed = typedValue(valueType(p), v);
    if ('error' in typed) return { error: `item ${i}: ${typed.error}` };
    values.push(typed.value);
  }
  return { values };
}

function manifestValues(
  p: TaskParameter,
  step: string,
  resolve: (s: string) => { value: string } | { error: string },
  readManifest: ReadManifest | undefined,
): { values: string[] } | { error: string; at?: string } {
  const kind = p.manifest?.lines !== undefined ? 'lines' : 'glob';
  const at = kind;
  const r = resolve(p.manifest?.[kind] ?? '');
  if ('error' in r) return { ...r, at };
  const bad = manifestPathProblem(r.value);
  if (bad) return { error: `resolves to "${r.value}", which ${bad}`, at };
  if (!readManifest)
    return {
      error:
        'is read from a manifest when the step becomes ready; give a manifest reader to expand it',
      at,
    };
  const raw = readManifest({ step, parameter: p.name, kind, path: r.value });
  if (raw.length === 0)
    return {
      error: `${kind === 'lines' ? 'the manifest' : 'the pattern'} "${r.value}" gave no values: the step that writes it made none`,
      at,
    };
  if (raw.length > MAX_MANIFEST_VALUES)
    return {
      error: `"${r.value}" gave ${raw.length} values; at most ${MAX_MANIFEST_VALUES} are allowed`,
      at,
    };
  const values: string[] = [];
  for (const [i, v] of raw.entries()) {
    // A manifest is a file a task wrote: say which value is wrong without quoting it.
    const typed = typedValue(valueType(p), v, false);
    if ('error' in typed) return { error: `value ${i + 1} of "${r.value}": ${typed.error}`, at };
    values.push(typed.value);
  }
  return { values };
}
