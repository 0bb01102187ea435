import { LineCounter, parseDocument, visit } from 'yaml';
import { duplicateKeys, type DuplicateKey } from './yaml-duplicate-keys.js';

/**
 * Numbers in a template as written. OpenJD's INT is int64, beyond what a JavaScript number holds
 * exactly, so such integers stay BigInt; and a FLOAT value reaches format strings as it was
 * written (`1.0`, not `1`), so the FLOAT values of parameter definitions and task parameter
 * ranges keep their text (a `<floatstring>`, which the spec treats as the same value).
 */

/** A float whose written text is not JavaScript's shortest form, until its place is known. */
class WrittenNumber {
  constructor(
    readonly value: number,
    readonly text: string,
  ) {}
}

const note = (value: number, text: string | undefined): number | WrittenNumber =>
  text !== undefined && String(value) !== text.trim()
    ? new WrittenNumber(value, text.trim())
    : value;

/** Safe integers as numbers, larger ones as BigInt; a written float as its text or its value. */
function settle(v: unknown, floatText: boolean): unknown {
  if (v instanceof WrittenNumber) return floatText ? v.text : v.value;
  if (typeof v === 'bigint')
    return v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER ? Number(v) : v;
  return v;
}

/** FLOAT, and EXPR's LIST[FLOAT] (its default's items), in any case (EXPR's type names). */
const isFloat = (o: unknown) => {
  const type = (o as { type?: unknown } | null)?.type;
  return typeof type === 'string' && ['FLOAT', 'LIST[FLOAT]'].includes(type.toUpperCase());
};

/** Walks the document, keeping written text only where a FLOAT value goes. */
function placed(v: unknown, path: readonly string[]): unknown {
  const defs = path.at(-1) === 'parameterDefinitions' || path.at(-1) === 'taskParameterDefinitions';
  if (Array.isArray(v))
    return v.map((x: unknown) =>
      defs && isFloat(x) ? floatDef(x as object) : placed(x, [...path, '[]']),
    );
  if (v !== null && typeof v === 'object' && !(v instanceof WrittenNumber))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, placed(x, [...path, k])]));
  return settle(v, false);
}

function floatDef(def: object): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(def)) {
    const value = ['default', 'minValue', 'maxValue', 'allowedValues', 'range'].includes(k);
    out[k] = Array.isArray(x)
      ? x.map((y) => settle(y, value))
      : value
        ? settle(x, true)
        : placed(x, [k]);
  }
  return out;
}

/**
 * Parses YAML text (throwing the parser's first error, as `parse` does). A key written twice in
 * one mapping keeps its later value and is reported to `onDuplicate` (see yaml-duplicate-keys.ts).
 */
export function parseYamlTemplate(
  text: string,
  onDuplicate: (d: DuplicateKey) => void = () => {},
): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    prettyErrors: true,
    intAsBigInt: true,
    uniqueKeys: false,
    lineCounter: lines,
  });
  const [first] = doc.errors;
  if (first) throw first;
  duplicateKeys(doc, lines).forEach(onDuplicate);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'number')
        node.value = note(node.value, (node as { source?: string }).source);
    },
  });
  return placed(doc.toJS(), []);
}

/** Parses JSON text the same way (the reviver's `source` needs Node 21 or later). */
export function parseJsonTemplate(text: string): unknown {
  const reviver = (_key: string, value: unknown, context?: { source?: string }): unknown => {
    if (typeof value !== 'number' || context?.source === undefined) return value;
    if (/^-?\d+$/.test(context.source) && !Number.isSafeInteger(value))
      return BigInt(context.source);
    return note(value, context.source);
  };
  return placed(JSON.parse(text, reviver as Parameters<typeof JSON.parse>[1]), []);
}
