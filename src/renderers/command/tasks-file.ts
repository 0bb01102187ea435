import { UsageError } from '../../errors.js';
import { jsonErrorReason } from '../../util/json-error.js';

/** One task of a generic command stage: an argument vector, run without a shell. */
export interface CommandTask {
  /** The line's `id` field, or `line-<n>` when it has none. */
  id: string;
  /** 1-based line number in tasks.jsonl, for messages. */
  line: number;
  /** The line's fields (without `argv`) as given. */
  fields: Record<string, unknown>;
  /** The program and its arguments after `{field}` substitution; argv[0] is the program. */
  argv: string[];
}

/** Options for `parseCommandTasks`. */
export interface ParseCommandOptions {
  /** The `--command` argv template used by lines that have no `argv` of their own. */
  command?: readonly string[];
  /** Name of the file in messages (default "tasks.jsonl"). */
  source?: string;
}

function fieldText(value: unknown, name: string, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const what =
    value === undefined
      ? 'it is not a field of this line'
      : `it is ${value === null ? 'null' : typeof value}`;
  throw new UsageError(
    `${where}: cannot substitute {${name}}: ${what}; fields are strings, numbers or booleans`,
  );
}

/**
 * Replaces `{name}` in one argv element with the line's field `name`, once, left to right:
 * a field value is never read again, so braces, `$(...)`, quotes or globs in it stay literal.
 * `{{` and `}}` are literal braces.
 */
export function substituteFields(
  template: string,
  fields: Record<string, unknown>,
  where: string,
): string {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (match, name: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    if (name === undefined)
      throw new UsageError(
        `${where}: unmatched ${match} in ${JSON.stringify(template)}; write ${match}${match} for a literal brace`,
      );
    if (!/^[A-Za-z_][\w-]*$/.test(name))
      throw new UsageError(`${where}: {${name}} is not a field name`);
    return fieldText(Object.hasOwn(fields, name) ? fields[name] : undefined, name, where);
  });
}

function isWords(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((w) => typeof w === 'string');
}

function argvOf(value: unknown, where: string): string[] {
  if (!isWords(value)) {
    throw new UsageError(
      `${where}: argv must be a non-empty list of strings (a program and its arguments, no shell)`,
    );
  }
  return value;
}

/**
 * Parses tasks.jsonl: one JSON object per line (blank lines are skipped). Each line's `argv`,
 * or else the `--command` template, has `{field}` replaced inside its elements. Throws
 * `UsageError` with the line number for bad JSON, a missing argv, an unknown field or a
 * duplicate id.
 */
export function parseCommandTasks(text: string, opts: ParseCommandOptions = {}): CommandTask[] {
  const source = opts.source ?? 'tasks.jsonl';
  const command = opts.command === undefined ? undefined : argvOf(opts.command, '--command');
  const tasks: CommandTask[] = [];
  const ids = new Map<string, number>();
  text.split('\n').forEach((raw, i) => {
    const lineNo = i + 1;
    const where = `${source}:${lineNo}`;
    if (raw.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      throw new UsageError(`${where}: not JSON (${jsonErrorReason(err)})`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new UsageError(
        `${where}: each line must be a JSON object, e.g. {"id": "a", "input": "x.txt"}`,
      );
    }
    const { argv: own, ...fields } = parsed as Record<string, unknown>;
    const template = own !== undefined ? argvOf(own, `${where}: argv`) : command;
    if (!template) throw new UsageError(`${where}: no argv on this line and no --command given`);
    const rawId = fields.id;
    const id =
      typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : `line-${lineNo}`;
    const first = ids.get(id);
    if (first !== undefined)
      throw new UsageError(`${where}: id ${JSON.stringify(id)} is already used on line ${first}`);
    ids.set(id, lineNo);
    const argv = template.map((t, k) => substituteFields(t, fields, `${where}: argv[${k}]`));
    if (argv[0] === '')
      throw new UsageError(`${where}: the program name is empty after substitution`);
    tasks.push({ id, line: lineNo, fields, argv });
  });
  if (tasks.length === 0) throw new UsageError(`${source}: no tasks (it has no non-blank lines)`);
  return tasks;
}
