import { TASK_CHUNKING_EXTENSION } from './chunking.js';
import { FEATURE_BUNDLE_1 } from './feature-bundle.js';
import { formatPath, type Problem } from './problem.js';

/**
 * The `extensions` list (RFC 0002 "Model Extensions", openjd-specifications `rfcs/`): a template
 * names each optional feature it needs, and an implementation refuses one it lacks. Names match
 * `[A-Z_0-9]{3,128}`.
 */

/** Our extension: task parameter values read from a manifest an earlier step wrote. */
export const MANIFEST_RANGE_EXTENSION = 'CLUSTER_TOOL_MANIFEST_RANGE';

/** RFC 0003: `openjd_redacted_env` sets a variable whose value is masked in output (redaction.ts). */
const REDACTED_ENV_VARS_EXTENSION = 'REDACTED_ENV_VARS';

/** RFC 0005: expressions in format strings, the subset expr-parse.ts describes. */
export const EXPR_EXTENSION = 'EXPR';

/** Extensions this library implements. */
export const SUPPORTED_EXTENSIONS: readonly string[] = [
  MANIFEST_RANGE_EXTENSION,
  TASK_CHUNKING_EXTENSION,
  REDACTED_ENV_VARS_EXTENSION,
  EXPR_EXTENSION,
  FEATURE_BUNDLE_1,
];

/**
 * Extensions accepted into the spec by RFC that this library does not implement: none of the
 * 2023-09 revision's today; one accepted later goes here, so a template naming it is refused
 * with what it is rather than as an unknown name.
 */
export const SPEC_EXTENSIONS_NOT_BUILT: Readonly<Record<string, string>> = {};

const NAME = /^[A-Z_0-9]{3,128}$/;

/** Checks the `extensions` list; returns the names that are valid and supported. */
export function checkExtensions(
  raw: readonly unknown[] | undefined,
  problems: Problem[],
): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  // the spec's list has at least one element: an empty one says nothing and is refused
  if (raw?.length === 0)
    problems.push({
      path: 'extensions',
      message: 'must list at least one extension name: name one, or leave extensions out',
    });
  (raw ?? []).forEach((value, i) => {
    const path = formatPath(['extensions', i]);
    if (typeof value !== 'string' || !NAME.test(value)) {
      problems.push({ path, message: 'must be an extension name: 3 to 128 of A-Z, 0-9 and _' });
      return;
    }
    if (seen.has(value)) {
      problems.push({ path, message: `${value} is listed twice: list it once` });
      return;
    }
    seen.add(value);
    const spec = SPEC_EXTENSIONS_NOT_BUILT[value];
    if (spec) {
      problems.push({
        path,
        message: `${value} (${spec}) is not supported by cluster-tool: remove it and the features that need it`,
      });
    } else if (!SUPPORTED_EXTENSIONS.includes(value)) {
      problems.push({
        path,
        message: `${value} is not an extension cluster-tool knows; supported: ${SUPPORTED_EXTENSIONS.join(', ')}`,
      });
    } else names.push(value);
  });
  return names;
}
