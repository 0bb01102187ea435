/**
 * Format strings (2023-09 Template Schemas §7.3, openjd-specifications wiki): literal text with
 * `{{ Name.Name... }}` value references. Parsing follows the reference implementation
 * (openjd-model-for-python `_format_strings/_format_string.py`): a `}}` before any `{{` and a
 * `{{` without a closing `}}` are both errors; there is no escape for literal braces.
 */

/** A parsed format string: literal text and value references, in order. */
export type FormatPart = { text: string } | { ref: string };

/** The outcome of parsing: the parts, or why the string is not a valid format string. */
export type ParsedFormat = { parts: FormatPart[] } | { error: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

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
    if (!names.every((n) => NAME.test(n))) {
      return {
        error: `{{${expr}}} is not a value reference: write {{ Scope.Name }} with letters, digits and _ (for example {{ Param.Frames }})`,
      };
    }
    parts.push({ ref: names.join('.') });
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

/** Whether a string holds any `{{ }}` reference (its value is then known only once resolved). */
export function hasReferences(value: string): boolean {
  return referencesIn(value).length > 0;
}

/**
 * Resolves a format string with `lookup`. Returns the value, or the first reference that has no
 * value (validation makes that a template error long before a task runs).
 */
export function resolveFormatString(
  value: string,
  lookup: (name: string) => string | undefined,
): { value: string } | { error: string } {
  const parsed = parseFormatString(value);
  if ('error' in parsed) return parsed;
  let out = '';
  for (const part of parsed.parts) {
    if ('text' in part) {
      out += part.text;
      continue;
    }
    const v = lookup(part.ref);
    if (v === undefined) return { error: `{{${part.ref}}} has no value here` };
    out += v;
  }
  return { value: out };
}
