import { ExprError } from './expr-operators.js';
import { evaluateExpression, evaluateValue, valueText, type ExprLookup } from './expr-eval.js';
import type { Value } from './expr-value.js';

/**
 * Format strings (2023-09 Template Schemas §7.3, openjd-specifications wiki): literal text with
 * `{{ Name.Name... }}` value references. Parsing follows the reference implementation
 * (openjd-model-for-python `_format_strings/_format_string.py`): a `}}` before any `{{` and a
 * `{{` without a closing `}}` are both errors; there is no escape for literal braces. Anything
 * between the braces that is not a dotted name is an expression: with the EXPR extension it is
 * evaluated (expr-eval.ts); without it validation refuses it (references.ts).
 */

/** A parsed format string: literal text, value references and expressions, in order. */
export type FormatPart = { text: string } | { ref: string } | { expr: string };

/** The outcome of parsing: the parts, or why the string is not a valid format string. */
export type ParsedFormat = { parts: FormatPart[] } | { error: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that are expression literals, never references. */
const LITERALS = new Set(['true', 'false', 'null', 'True', 'False', 'None']);

/** Parses `value` into literal text and the dotted names it references. */
export function parseFormatString(value: string): ParsedFormat {
  const parts: FormatPart[] = [];
  let at = 0;
  while (at < value.length) {
    const open = value.indexOf('{{', at);
    const close = value.indexOf('}}', at);
    if (open === -1 && close === -1) {
      parts.push({ text: value.slice(at) });
      break;
    }
    if (close === -1) return { error: `"{{" at character ${open + 1} has no closing "}}"` };
    if (open === -1 || close < open) {
      return {
        error: `"}}" at character ${close + 1} has no opening "{{" (format strings have no escape for braces)`,
      };
    }
    if (open > at) parts.push({ text: value.slice(at, open) });
    const expr = value.slice(open + 2, close);
    const names = expr.split('.').map((n) => n.trim());
    if (names.every((n) => NAME.test(n)) && !LITERALS.has(expr.trim()))
      parts.push({ ref: names.join('.') });
    else if (expr.trim() === '') return { error: `{{${expr}}} is empty: write {{ Scope.Name }}` };
    else parts.push({ expr: expr.trim() });
    at = close + 2;
  }
  return { parts };
}

/** The value references in a format string; none when it does not parse. */
export function referencesIn(value: string): string[] {
  const parsed = parseFormatString(value);
  if ('error' in parsed) return [];
  return parsed.parts.flatMap((p) => ('ref' in p ? [p.ref] : []));
}

/** Whether a string holds any `{{ }}` (its value is then known only once resolved). */
export function hasReferences(value: string): boolean {
  const parsed = parseFormatString(value);
  return !('error' in parsed) && parsed.parts.some((p) => !('text' in p));
}

/**
 * Resolves a format string with `lookup`. Returns the value, or the first reference that has no
 * value (validation makes that a template error long before a task runs). A lookup that gives a
 * value with its parameter type lets expressions compute with it (an INT as a number).
 */
export function resolveFormatString(
  value: string,
  lookup: ExprLookup,
): { value: string } | { error: string } {
  const parsed = parseFormatString(value);
  if ('error' in parsed) return parsed;
  let out = '';
  for (const part of parsed.parts) {
    if ('text' in part) {
      out += part.text;
      continue;
    }
    if ('expr' in part) {
      const r = evaluateExpression(part.expr, lookup);
      if ('error' in r) return r;
      out += r.value;
      continue;
    }
    const v = lookup(part.ref);
    if (v === undefined) {
      // a property of a value (`{{ out_dir.name }}`): validation allowed it only with EXPR
      const r = part.ref.includes('.') ? evaluateExpression(part.ref, lookup) : undefined;
      if (r && 'value' in r) out += r.value;
      else return { error: `{{${part.ref}}} has no value here` };
      continue;
    }
    if (typeof v === 'string' || !('bound' in v)) {
      out += typeof v === 'string' ? v : v.value;
      continue;
    }
    try {
      out += valueText(v.bound);
    } catch (e) {
      if (e instanceof ExprError) return { error: `{{${part.ref}}}: ${e.message}` };
      throw e;
    }
  }
  return { value: out };
}

/**
 * Resolves one of an action's `args` (RFC 0005 §1.3.2): an arg that is exactly one `{{ }}` is
 * its value's items, none for null and one arg per item of a list (`{{ Param.Flags }}`); any
 * other arg is its resolved text, a list or null in it written as text.
 */
export function resolveArgument(
  value: string,
  lookup: ExprLookup,
): { values: string[] } | { error: string } {
  const parsed = parseFormatString(value);
  if ('error' in parsed) return parsed;
  const [only, ...more] = parsed.parts;
  const whole = more.length === 0 && only !== undefined && !('text' in only);
  const v = whole ? wholeValue(only, lookup) : undefined;
  if (v === undefined) {
    const r = resolveFormatString(value, lookup);
    return 'error' in r ? r : { values: [r.value] };
  }
  if ('error' in v) return v;
  const { value: x } = v;
  try {
    if (x.t === 'null') return { values: [] };
    if (x.t !== 'list') return { values: [valueText(x)] };
    return {
      values: x.v.map((item) => {
        if (item.t === 'null') throw new ExprError('a list of args holds null: leave it out');
        return valueText(item);
      }),
    };
  } catch (e) {
    if (e instanceof ExprError) return { error: `${value}: ${e.message}` };
    throw e;
  }
}

/**
 * The value of a whole-arg `{{ }}` where it may be null or a list: an expression's, or a
 * reference's bound by `let` or of a LIST parameter. Undefined where the arg is plain text
 * (a reference to a scalar value is written as given, so `007` stays `007`).
 */
function wholeValue(
  part: { ref: string } | { expr: string },
  lookup: ExprLookup,
): { value: Value } | { error: string } | undefined {
  if ('ref' in part) {
    const v = lookup(part.ref);
    if (typeof v === 'string') return undefined;
    if (v === undefined) {
      if (!part.ref.includes('.')) return undefined; // resolving it says what is missing
    } else if ('bound' in v) return { value: v.bound };
    else if (!v.type.startsWith('LIST')) return undefined;
  }
  const src = 'ref' in part ? part.ref : part.expr;
  const r = evaluateValue(src, lookup);
  return 'error' in r ? { error: `{{ ${src} }}: ${r.error}` } : r;
}
