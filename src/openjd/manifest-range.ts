import { MANIFEST_RANGE_EXTENSION } from './extensions.js';
import { hasReferences } from './format-string.js';
import { formatPath, type Problem } from './problem.js';
import type { StepTemplate } from './schema/step.js';

/**
 * The CLUSTER_TOOL_MANIFEST_RANGE extension: dynamic fan-out. OpenJD 2023-09 fixes every step's
 * parameter space at submission; with this extension named in `extensions`, a task parameter may
 * give `manifest` instead of `range`, and its values are read when the step becomes ready (all its
 * dependencies done) from what an earlier step wrote:
 *
 * ```yaml
 * - name: Tile
 *   type: STRING
 *   manifest:
 *     lines: tiles/manifest.txt      # one value per line; blank lines skipped
 * - name: Part
 *   type: PATH
 *   manifest:
 *     glob: "parts/*.npy"            # the matching files, sorted; * ? within a name, ** across directories
 * ```
 *
 * Paths are format strings resolved at submission (`{{RawParam.X}}`, and `{{Param.X}}` of non-PATH
 * parameters). A relative path is read from the job's directory; an absolute one must lie inside
 * a directory the reader allows (the job's own directories); `..` is refused. INT and FLOAT values
 * must parse as such; every value is at most 1024 characters, and a manifest gives 1 to
 * MAX_MANIFEST_VALUES values.
 */

/** Most values one manifest may give. */
export const MAX_MANIFEST_VALUES = 10_000;

/** What expansion asks the manifest reader for. */
export interface ManifestRequest {
  step: string;
  parameter: string;
  kind: 'lines' | 'glob';
  /** The manifest path or pattern, format strings resolved: relative to the job directory, or absolute. */
  path: string;
}

/**
 * Reads a manifest: the lines of a file, or the files a pattern matches. The core stays pure by
 * taking this as a callback; `readManifestFromJobDir` (load.ts) is the one that touches disk.
 */
export type ReadManifest = (request: ManifestRequest) => string[];

/** Why a resolved manifest path cannot be used, or undefined when it can. */
export function manifestPathProblem(p: string): string | undefined {
  if (p.trim() === '') return 'is empty: give the path of the file an earlier step writes';
  if (p.includes('\0')) return 'contains a NUL byte';
  if (p.split('/').includes('..')) return 'must not climb directories: remove ".." from it';
  return undefined;
}

/** Checks the manifest task parameters of one step. */
export function checkManifestParameters(
  step: StepTemplate,
  index: number,
  declared: boolean,
  problems: Problem[],
): void {
  step.parameterSpace?.taskParameterDefinitions.forEach((p, k) => {
    if (!p.manifest) return;
    const at = ['steps', index, 'parameterSpace', 'taskParameterDefinitions', k, 'manifest'];
    if (!declared) {
      problems.push({
        path: formatPath(at),
        message: `is the ${MANIFEST_RANGE_EXTENSION} extension: add it to the template's extensions list, or give range instead`,
      });
      return;
    }
    if (!step.dependencies?.length)
      problems.push({
        path: formatPath(at),
        message:
          'is read when the step becomes ready, so the step must depend on the step that writes it: add dependencies',
      });
    for (const key of ['lines', 'glob'] as const) {
      const v = p.manifest[key];
      if (v === undefined || hasReferences(v)) continue;
      const why = manifestPathProblem(v);
      if (why) problems.push({ path: formatPath([...at, key]), message: why });
    }
  });
}
