import { formatPath, type Problem } from './problem.js';

/**
 * FEATURE_BUNDLE_1 (openjd-specifications RFC 0004), the parts this tool builds:
 * - simple actions: a step may give `bash:`, `python:`, `node:`, `cmd:` or `powershell:` (a
 *   script, with optional `args`, `timeout`, `cancelation`) instead of `script:`; it runs as that
 *   interpreter on an embedded file (normalizeSimpleActions, before the schema sees the step).
 *   `cmd` and `powershell` are valid templates but Windows interpreters: submitting one is refused
 *   here (windowsOnlyActions), as the nodes run Linux;
 * - `endOfLine` (LF, CRLF or AUTO, which is LF on these Linux hosts) on embedded files;
 * - the longer name and count limits (bundle-limits.ts) and format strings in numeric fields
 *   (numeric-fields.ts).
 * A simple action's `let` (EXPR) becomes its script's `let`. `cmd:` and `powershell:` (Windows
 * interpreters) are valid here and refused at submit (`windowsOnlyActions`): the nodes run Linux.
 */
export const FEATURE_BUNDLE_1 = 'FEATURE_BUNDLE_1';

/** Each interpreter: its command, the options before the script file, the file's name. */
const INTERPRETERS: Readonly<
  Record<string, { command: string; before?: string[]; file: string; windows?: true }>
> = {
  bash: { command: 'bash', file: 'simple-action.sh' },
  python: { command: 'python3', file: 'simple-action.py' },
  node: { command: 'node', file: 'simple-action.js' },
  cmd: { command: 'cmd', before: ['/C'], file: 'simple-action.bat', windows: true },
  powershell: {
    command: 'powershell',
    before: ['-NoProfile', '-NonInteractive', '-File'],
    file: 'simple-action.ps1',
    windows: true,
  },
};
/** The step fields that hold a simple action. */
export const SIMPLE_ACTION_FIELDS = Object.keys(INTERPRETERS);
const SIMPLE = SIMPLE_ACTION_FIELDS;
/** The embedded file a simple action's script is written to (`{{Task.File.SimpleAction}}`). */
const FILE_NAME = 'SimpleAction';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The job template document with each step's simple action written as the `script` it stands
 * for, and a problem for each use of the bundle without the extension or beyond what is built.
 */
export function normalizeSimpleActions(doc: Raw, declared: boolean, problems: Problem[]): Raw {
  if (!Array.isArray(doc.steps)) return doc;
  const steps = doc.steps.map((step: unknown, i) => {
    if (!isObject(step)) return step;
    const given = SIMPLE.filter((k) => step[k] !== undefined);
    if (given.length === 0) return step;
    const at = (...p: (string | number)[]) => formatPath(['steps', i, ...p]);
    if (!declared) {
      for (const k of given)
        problems.push({
          path: at(k),
          message: `a simple action needs the ${FEATURE_BUNDLE_1} extension: list it in extensions, or write script.actions.onRun`,
        });
      return step;
    }
    if (given.length > 1 || step.script !== undefined) {
      problems.push({
        path: at(given[0] as string),
        message: `give one of ${SIMPLE.join(', ')} or script, not ${[...given, ...(step.script !== undefined ? ['script'] : [])].join(' and ')}`,
      });
      return step;
    }
    const kind = given[0] as string;
    const interp = INTERPRETERS[kind] as (typeof INTERPRETERS)[string];
    const action = step[kind];
    if (!isObject(action) || typeof action.script !== 'string') {
      problems.push({ path: at(kind), message: 'must be a mapping with script: the text to run' });
      return step;
    }
    const { script, args, timeout, cancelation, let: bindings, ...rest } = action;
    for (const k of Object.keys(rest))
      problems.push({ path: at(kind, k), message: 'is not a property of a simple action' });
    const others = Object.fromEntries(Object.entries(step).filter(([k]) => k !== kind));
    return {
      ...others,
      script: {
        actions: {
          onRun: {
            command: interp.command,
            args: [
              ...(interp.before ?? []),
              `{{Task.File.${FILE_NAME}}}`,
              ...(Array.isArray(args) ? (args as unknown[]) : []),
            ],
            ...(timeout !== undefined ? { timeout } : {}),
            ...(cancelation !== undefined ? { cancelation } : {}),
          },
        },
        embeddedFiles: [{ name: FILE_NAME, type: 'TEXT', filename: interp.file, data: script }],
        ...(bindings !== undefined ? { let: bindings } : {}),
      },
    };
  });
  return { ...doc, steps };
}

/** The simple action a step gives, or that it was written from (normalizeSimpleActions' form). */
function simpleActionOf(step: unknown): string | undefined {
  if (!isObject(step)) return undefined;
  const given = SIMPLE.find((k) => step[k] !== undefined);
  if (given) return given;
  const script = isObject(step.script) ? step.script : {};
  const onRun = isObject(script.actions) ? script.actions.onRun : undefined;
  const files = Array.isArray(script.embeddedFiles) ? (script.embeddedFiles as unknown[]) : [];
  if (!isObject(onRun) || !Array.isArray(onRun.args)) return undefined;
  const args = onRun.args as unknown[];
  return SIMPLE.find((k) => {
    const i = INTERPRETERS[k] as (typeof INTERPRETERS)[string];
    const before = i.before ?? [];
    return (
      onRun.command === i.command &&
      before.every((b, n) => args[n] === b) &&
      args[before.length] === `{{Task.File.${FILE_NAME}}}` &&
      files.some((f) => isObject(f) && f.name === FILE_NAME && f.filename === i.file)
    );
  });
}

/**
 * A problem for each step that gives a Windows interpreter's simple action (in the document as
 * written, or the template it was validated into): valid in a template, but these Linux nodes
 * cannot run it, so submit refuses it (and `openjd check` warns).
 */
export function windowsOnlyActions(doc: unknown): Problem[] {
  const steps = isObject(doc) && Array.isArray(doc.steps) ? (doc.steps as unknown[]) : [];
  return steps.flatMap((step, i) => {
    const kind = simpleActionOf(step);
    if (kind === undefined || !INTERPRETERS[kind]?.windows) return [];
    return [
      {
        path: formatPath(['steps', i, kind]),
        message: `${kind} runs on Windows and this tool's nodes run Linux, so it cannot be submitted here: use bash, python or node`,
      },
    ];
  });
}

/** Each `endOfLine` in the document's embedded files: an error unless the bundle is declared. */
export function checkEndOfLine(doc: unknown, declared: boolean, problems: Problem[]): void {
  if (declared) return;
  const walk = (v: unknown, p: (string | number)[]) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (isObject(v))
      for (const [k, x] of Object.entries(v)) {
        if (k === 'endOfLine' && p.at(-2) === 'embeddedFiles')
          problems.push({
            path: formatPath([...p, k]),
            message: `needs the ${FEATURE_BUNDLE_1} extension: list it in extensions, or leave endOfLine out`,
          });
        else walk(x, [...p, k]);
      }
  };
  walk(doc, []);
}

/** Embedded file text with the line endings `endOfLine` asks for (AUTO is LF on Linux hosts). */
export function withLineEndings(text: string, endOfLine: string | undefined): string {
  if (endOfLine === undefined) return text;
  const lines = text.split(/\r\n|\r|\n/);
  return lines.join(endOfLine === 'CRLF' ? '\r\n' : '\n');
}
