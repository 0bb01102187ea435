import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { packagePath } from '../paths.js';
import { shellQuote } from '../shell/quote.js';

type HelperOptions = Handlebars.HelperOptions & { loc?: { start: { line: number } } };

const hb = Handlebars.create();

function fieldName(args: unknown[], options: HelperOptions): string {
  const label = args.length > 0 && typeof args[0] === 'string' ? args[0] : undefined;
  return label ?? `template value at line ${options.loc?.start.line ?? '?'}`;
}

function asString(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new Error(
    `${field}: expected a string or number in a script template, got ${typeof value}`,
  );
}

// {{q value "field name"}}: one single-line shell word. {{qm value}}: may span lines.
hb.registerHelper('q', function (value: unknown, ...rest: unknown[]) {
  const options = rest.pop() as HelperOptions;
  const field = fieldName(rest, options);
  return shellQuote(asString(value, field), field);
});
hb.registerHelper('qm', function (value: unknown, ...rest: unknown[]) {
  const options = rest.pop() as HelperOptions;
  const field = fieldName(rest, options);
  return shellQuote(asString(value, field), field, { multiline: true });
});
// {{qwords list "field"}}: an array of strings as quoted words separated by spaces.
hb.registerHelper('qwords', function (value: unknown, ...rest: unknown[]) {
  const options = rest.pop() as HelperOptions;
  const field = fieldName(rest, options);
  if (!Array.isArray(value)) throw new Error(`${field}: expected a list of words`);
  return value.map((v, i) => shellQuote(asString(v, field), `${field}[${i}]`)).join(' ');
});
hb.registerHelper('json', (value: unknown) => JSON.stringify(value));

const cache = new Map<string, Handlebars.TemplateDelegate>();

/**
 * Renders a handlebars template from the package (path relative to the package root). Templates
 * are compiled strict (a missing value is an error, not an empty string) and without HTML
 * escaping; shell values must go through `q`/`qm`/`qwords`.
 */
export function renderTemplate(relPath: string, data: object): string {
  let template = cache.get(relPath);
  if (!template) {
    template = hb.compile(readFileSync(packagePath(relPath), 'utf8'), {
      strict: true,
      noEscape: true,
    });
    cache.set(relPath, template);
  }
  return template(data);
}
