import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EnvironmentTemplateInput } from './job-plan.js';
import { readDocument } from './load.js';
import type { Problem } from './problem.js';

/**
 * The environment templates named on a command line (`submit openjd --env`, `openjd check
 * --env`), read as documents; each problem names the file (a YAML or JSON syntax error with its
 * line and column, never the file's text). Validation and parameter merging happen where the job
 * is planned (`job-plan.ts` applyEnvironmentTemplates), for both commands alike.
 */
export function readEnvironmentFiles(files: readonly string[]): {
  environments: EnvironmentTemplateInput[];
  errors: Problem[];
} {
  const errors: Problem[] = [];
  const environments = files.map((f) => {
    const full = path.resolve(f);
    const read =
      existsSync(full) && statSync(full).isFile()
        ? readDocument(full)
        : {
            problem: {
              path: f,
              message: 'is not a file: give an environment template (.yaml or .json)',
            },
          };
    if ('problem' in read) errors.push({ path: f, message: read.problem.message });
    return { where: f, doc: 'doc' in read ? read.doc : null, dir: path.dirname(full) };
  });
  return { environments, errors };
}
