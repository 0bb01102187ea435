import type { ExprLookup } from './expr-eval.js';
import { hasReferences, resolveFormatString } from './format-string.js';
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
