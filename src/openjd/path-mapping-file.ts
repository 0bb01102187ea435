import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { readDocument } from './load.js';
import { parsePathMappingRules, type PathMappingRule } from './path-mapping.js';
import type { Problem } from './problem.js';

/**
 * The path-mapping rules a command line names (`submit openjd --path-mapping-rules FILE`): a JSON
 * or YAML file in the rules-file format, or a list of rules. A problem names the file and what to
 * change, never the file's text.
 */
export function readPathMappingFile(file: string | undefined): {
  rules: PathMappingRule[];
  errors: Problem[];
} {
  if (file === undefined) return { rules: [], errors: [] };
  const full = path.resolve(file);
  if (!existsSync(full) || !statSync(full).isFile())
    return {
      rules: [],
      errors: [
        { path: file, message: 'is not a file: give a path-mapping rules file (.json or .yaml)' },
      ],
    };
  const read = readDocument(full);
  if ('problem' in read)
    return { rules: [], errors: [{ path: file, message: read.problem.message }] };
  const r = parsePathMappingRules(read.doc);
  return 'error' in r
    ? { rules: [], errors: [{ path: file, message: r.error }] }
    : { rules: r.rules, errors: [] };
}
