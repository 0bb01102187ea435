import { UsageError } from '../../errors.js';
import { isPyDict, pyRepr, pyStr, type PyValue } from './py-values.js';

function lookup(field: string, vars: Record<string, PyValue>, where: string): PyValue {
  const m = /^([^.[]+)((?:\[[^\]]*\])*)$/.exec(field);
  if (!m) {
    const why = field.includes('.')
      ? 'attribute access ({a.b}) is not supported'
      : 'it is not a variable name';
    throw new UsageError(`${where}: cannot substitute {${field}}: ${why}`);
  }
  const [, name = '', keys = ''] = m;
  if (/^\d*$/.test(name)) {
    throw new UsageError(`${where}: {${field}} is positional; name a variable, e.g. {scene}`);
  }
  if (!Object.hasOwn(vars, name)) {
    const known = Object.keys(vars);
    const list = known.length ? known.join(', ') : 'none are defined';
    throw new UsageError(
      `${where}: the template names variable "${name}", which does not exist (variables: ${list})`,
    );
  }
  let value = vars[name] as PyValue;
  for (const [, key = ''] of keys.matchAll(/\[([^\]]*)\]/g)) {
    // str.format reads [0] as an integer index and anything else as a dict key
    const next =
      Array.isArray(value) && /^\d+$/.test(key)
        ? value[Number(key)]
        : isPyDict(value)
          ? value[key]
          : undefined;
    if (next === undefined)
      throw new UsageError(`${where}: {${field}}: ${pyRepr(value)} has no item [${key}]`);
    value = next;
  }
  return value;
}

/**
 * Python's `template.format(**vars)` for the forms task files use: `{name}`, `{name[key]}`,
 * `{name!s}`, `{name!r}`, and `{{`/`}}` for literal braces. A format spec (`{x:.2f}`) is refused
 * with a clear error instead of being half-supported.
 */
export function pyFormat(template: string, vars: Record<string, PyValue>, where: string): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === '}') {
      if (template[i + 1] !== '}')
        throw new UsageError(
          `${where}: single '}' in ${JSON.stringify(template)}; write }} for a literal brace`,
        );
      out += '}';
      i++;
    } else if (ch === '{') {
      if (template[i + 1] === '{') {
        out += '{';
        i++;
        continue;
      }
      const end = template.indexOf('}', i);
      if (end < 0) throw new UsageError(`${where}: unclosed '{' in ${JSON.stringify(template)}`);
      const inner = template.slice(i + 1, end);
      const [, field = '', conv, spec] = /^([^!:]*)(?:!([^:]*))?(?::(.*))?$/s.exec(inner) ?? [];
      if (spec !== undefined)
        throw new UsageError(
          `${where}: format spec in {${inner}} is not supported; use {${field}}`,
        );
      if (conv !== undefined && conv !== 's' && conv !== 'r')
        throw new UsageError(`${where}: conversion !${conv} is not supported`);
      const value = lookup(field, vars, where);
      out += conv === 'r' ? pyRepr(value) : pyStr(value);
      i = end;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Python's `posixpath.join`: an absolute part starts over, nothing is normalised. */
export function pyJoin(first: string, ...rest: string[]): string {
  let out = first;
  for (const part of rest) {
    if (part.startsWith('/')) out = part;
    else if (out === '' || out.endsWith('/')) out += part;
    else out += `/${part}`;
  }
  return out;
}

/** Python's `os.path.expanduser` for `~` and `~/...` (the forms task files use). */
export function expandUser(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return pyJoin(home, p.slice(2));
  return p;
}
