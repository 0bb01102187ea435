import { z } from 'zod';

/**
 * Path-mapping rules (2023-09 "How Jobs Are Run", Path Mapping): where a path written on the
 * submitting workstation is found on these hosts. A session applies them to every PATH parameter
 * (`Param.X`, `Task.Param.X`; `RawParam.X` stays as given), to `apply_path_mapping(s)` (EXPR), and
 * writes them to `Session.PathMappingRulesFile`. Rules are tried longest source path first; the
 * first that matches maps the value.
 */

export const pathMappingRule = z.strictObject({
  source_path_format: z.enum(['POSIX', 'WINDOWS'], {
    error: 'source_path_format is POSIX or WINDOWS (the submitting host’s path format)',
  }),
  source_path: z.string().min(1, 'source_path: give the path prefix to map').max(4096),
  destination_path: z
    .string()
    .startsWith('/', 'destination_path: give an absolute path on these Linux hosts')
    .max(4096),
});

export type PathMappingRule = z.infer<typeof pathMappingRule>;

export const pathMappingRules = z
  .array(pathMappingRule, { error: 'give a list of path-mapping rules' })
  .max(100, 'give at most 100 path-mapping rules');

const VERSION = 'pathmapping-1.0';

/**
 * Rules as a file gives them: the rules-file format (`{"version": "pathmapping-1.0",
 * "path_mapping_rules": [...]}`) or the list alone. Each problem says what to change.
 */
export function parsePathMappingRules(
  doc: unknown,
): { rules: PathMappingRule[] } | { error: string } {
  let list: unknown = doc;
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    const o = doc as Record<string, unknown>;
    if (o.version !== VERSION)
      return { error: `version: give "${VERSION}" (the path-mapping rules format)` };
    list = o.path_mapping_rules ?? [];
  }
  const r = pathMappingRules.safeParse(list);
  if (r.success) return { rules: r.data };
  const issue = r.error.issues[0];
  const n = issue?.path[0];
  const where = typeof n === 'number' ? `rule ${n + 1}: ` : '';
  return { error: `${where}${issue?.message ?? 'not a list of rules'}` };
}

/** The rules file's text; `{}` without rules, as the specification allows. */
export function rulesFileText(rules: readonly PathMappingRule[]): string {
  if (!rules.length) return '{}\n';
  return `${JSON.stringify({ version: VERSION, path_mapping_rules: rules }, null, 2)}\n`;
}

/** A path as the rule compares it: Windows paths with `/` and in lower case; no trailing separator. */
function comparable(p: string, format: PathMappingRule['source_path_format']): string {
  const s = format === 'WINDOWS' ? p.replaceAll('\\', '/').toLowerCase() : p;
  return s.length > 1 ? s.replace(/\/+$/, '') : s;
}

/** `value` mapped by the first rule (longest source path first) that matches it; unchanged if none does. */
export function mapPath(value: string, rules: readonly PathMappingRule[]): string {
  const ordered = [...rules].sort((a, b) => b.source_path.length - a.source_path.length);
  for (const r of ordered) {
    const source = comparable(r.source_path, r.source_path_format);
    const v = comparable(value, r.source_path_format);
    if (v !== source && !v.startsWith(source.endsWith('/') ? source : `${source}/`)) continue;
    // the rest of the value as written (Windows separators made POSIX for these hosts)
    let rest = value.slice(source.length);
    if (r.source_path_format === 'WINDOWS') rest = rest.replaceAll('\\', '/');
    rest = rest.replace(/^\/+/, '');
    const dest = r.destination_path.length > 1 ? r.destination_path.replace(/\/+$/, '') : '/';
    if (!rest) return value.endsWith('/') || value.endsWith('\\') ? `${dest}/` : dest;
    return dest === '/' ? `/${rest}` : `${dest}/${rest}`;
  }
  return value;
}

/**
 * The reference the host scope answers with the session's rules (as JSON), for
 * `apply_path_mapping`; `#` keeps it out of anything a template can write.
 */
export const RULES_REFERENCE = '#pathMappingRules';
