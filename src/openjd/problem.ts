import { CliError } from '../errors.js';

/**
 * A finding about a job template, its parameters or its expansion. `path` is a JSON path into the
 * template (`steps[1].script.actions.onRun.args[2]`), or a parameter's name for a value given at
 * submission; `message` says what to change. Expected outcomes are these values, not exceptions.
 */
export interface Problem {
  path: string;
  message: string;
}

/** One segment of a JSON path: an object key or an array index. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats path segments the way `openjd check` reports them: `steps[1].script.actions`. Keys that
 * are not plain identifiers (an environment variable map key, say) are quoted: `variables["A-B"]`.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (PLAIN_KEY.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out === '' ? '(template)' : out;
}

/**
 * Thrown when a template that validated cannot be turned into tasks as asked (a range that a
 * parameter value makes invalid, a manifest that is missing or malformed). Carries the problems.
 */
export class OpenjdInstantiationError extends CliError {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '), 2);
    this.problems = problems;
  }
}
