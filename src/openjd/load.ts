import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { YAMLError } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { parseJsonTemplate, parseYamlTemplate } from './document-numbers.js';
import { duplicateKeyMessage } from './yaml-duplicate-keys.js';
import type { Problem } from './problem.js';
import { issuesToProblems } from './schema/issues.js';
import {
  environmentParameters,
  validateEnvironmentTemplate,
  type EnvironmentTemplate,
} from './environment-template.js';
import { validateTemplate, type ValidationResult } from './validate.js';

/**
 * Reading job templates and job bundles from disk: the one module of the library that does file
 * I/O for templates (manifests are read by `manifest-reader.ts`). A job bundle is AWS Deadline
 * Cloud's layout: a directory with `template.yaml` or `template.json` and optionally
 * `parameter_values.yaml|json` (`parameterValues: [{name, value}]`) and
 * `asset_references.yaml|json` (job attachments, not used here).
 */

/** A template read from disk and validated, with the bundle's parameter values if it had any. */
export interface LoadedTemplate extends ValidationResult {
  templatePath: string;
  /** Set when a bundle directory was given. */
  bundleDir?: string;
  /** The bundle's parameter values by name (`deadline:*` settings left out). */
  parameterValues: Record<string, unknown>;
  /** The Deadline Cloud submission settings of the bundle this tool takes (`deadline:maxRetriesPerTask`). */
  settings?: { maxRetriesPerTask?: number };
}

/** The `deadline:*` settings read from a bundle's parameter values; the rest are ignored with a warning. */
export const DEADLINE_SETTINGS = ['deadline:maxRetriesPerTask'] as const;

/** Largest template or parameter file read. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Reads a YAML or JSON file into a document (with warnings, such as a key written twice), or a
 * problem that names only the line (never the file's text).
 */
export function readDocument(
  file: string,
): { doc: unknown; warnings: Problem[] } | { problem: Problem } {
  const where = path.basename(file);
  if (statSync(file).size > MAX_FILE_BYTES)
    return { problem: { path: where, message: `is larger than ${MAX_FILE_BYTES} bytes` } };
  const text = readFileSync(file, 'utf8');
  // Messages name the place only: parser messages can quote the text, and files may hold secrets.
  if (file.endsWith('.json')) {
    try {
      return { doc: parseJsonTemplate(text), warnings: [] };
    } catch (e) {
      const at = /position (\d+)/.exec((e as Error).message);
      const pos = at ? Number(at[1]) : undefined;
      const where2 = pos === undefined ? '' : ` at line ${text.slice(0, pos).split('\n').length}`;
      return { problem: { path: where, message: `is not valid JSON${where2}` } };
    }
  }
  try {
    const warnings: Problem[] = [];
    const doc = parseYamlTemplate(text, (d) =>
      warnings.push({ path: where, message: duplicateKeyMessage(d) }),
    );
    return { doc, warnings };
  } catch (e) {
    if (!(e instanceof YAMLError)) throw e;
    const line = e.linePos?.[0];
    const place = line ? ` at line ${line.line}, column ${line.col}` : '';
    return {
      problem: {
        path: where,
        message: `is not valid YAML (${e.code.toLowerCase().replaceAll('_', ' ')})${place}`,
      },
    };
  }
}

function pick(dir: string, base: string): string | undefined | Problem {
  const found = ['.yaml', '.yml', '.json']
    .map((ext) => path.join(dir, base + ext))
    .filter((f) => existsSync(f));
  if (found.length > 1)
    return {
      path: path.basename(found[1] as string),
      message: `${found.map((f) => path.basename(f)).join(' and ')} are both present: keep one`,
    };
  return found[0];
}

const ParameterValuesFile = z.strictObject({
  parameterValues: z.array(
    z.strictObject({
      name: z.string().min(1),
      value: z.union([z.string(), z.number(), z.bigint()], {
        error: 'must be a string or a number',
      }),
    }),
  ),
});

/**
 * Loads and validates a template file (YAML or JSON), or a job bundle directory. Throws
 * UsageError when there is nothing to read; anything wrong inside the files is a problem.
 */
export function loadTemplate(
  pathOrBundle: string,
  /** The environment templates it is submitted with: it may use the parameters they define. */
  environments: readonly { doc: unknown }[] = [],
): LoadedTemplate {
  if (!existsSync(pathOrBundle))
    throw new UsageError(
      `${pathOrBundle} does not exist: give a job template (.yaml or .json) or a job bundle directory`,
    );
  const isBundle = statSync(pathOrBundle).isDirectory();
  const bundleDir = isBundle ? path.resolve(pathOrBundle) : undefined;
  const templatePath = bundleDir ? pick(bundleDir, 'template') : path.resolve(pathOrBundle);
  if (templatePath === undefined)
    throw new UsageError(
      `${pathOrBundle} is a directory without template.yaml or template.json: it is not a job bundle`,
    );
  const empty = { parameterValues: {}, warnings: [] as Problem[] };
  if (typeof templatePath !== 'string')
    return { templatePath: pathOrBundle, bundleDir, ...empty, errors: [templatePath] };
  const read = readDocument(templatePath);
  if ('problem' in read) return { templatePath, bundleDir, ...empty, errors: [read.problem] };
  const outside = environments.flatMap((e) => environmentParameters(e.doc));
  const result = validateTemplate(read.doc, outside);
  result.warnings.unshift(...read.warnings);
  const loaded: LoadedTemplate = { ...result, templatePath, bundleDir, parameterValues: {} };
  if (!bundleDir) return loaded;
  const assets = pick(bundleDir, 'asset_references');
  if (assets !== undefined)
    loaded.warnings.push({
      path: typeof assets === 'string' ? path.basename(assets) : assets.path,
      message: 'job attachments are not used here: tasks read inputs from the shared file system',
    });
  const valuesFile = pick(bundleDir, 'parameter_values');
  if (valuesFile === undefined) return loaded;
  if (typeof valuesFile !== 'string') {
    loaded.errors.push(valuesFile);
    delete loaded.template;
    return loaded;
  }
  const base = path.basename(valuesFile);
  const doc = readDocument(valuesFile);
  if ('problem' in doc) {
    loaded.errors.push(doc.problem);
    delete loaded.template;
    return loaded;
  }
  const parsed = ParameterValuesFile.safeParse(doc.doc);
  if (!parsed.success) {
    for (const p of issuesToProblems(parsed.error.issues, [], doc.doc))
      loaded.errors.push({ ...p, path: `${base}: ${p.path}` });
    delete loaded.template;
    return loaded;
  }
  for (const { name, value } of parsed.data.parameterValues) {
    if (name === 'deadline:maxRetriesPerTask') {
      const n = Number(value);
      if (Number.isInteger(n) && n >= 0 && n <= 100) loaded.settings = { maxRetriesPerTask: n };
      else
        loaded.errors.push({
          path: `${base}: ${name}`,
          message: 'must be a whole number from 0 to 100 (how often a failed task is tried again)',
        });
      continue;
    }
    if (name.startsWith('deadline:')) {
      loaded.warnings.push({
        path: `${base}: ${name}`,
        message: 'is a Deadline Cloud submission setting; ignored here',
      });
      continue;
    }
    loaded.parameterValues[name] = value;
  }
  return loaded;
}

/** An environment template read from a file (YAML or JSON) and validated. */
export function loadEnvironmentTemplate(file: string): {
  template?: EnvironmentTemplate;
  errors: Problem[];
} {
  if (!existsSync(file) || !statSync(file).isFile())
    return {
      errors: [
        { path: file, message: 'is not a file: give an environment template (.yaml or .json)' },
      ],
    };
  const read = readDocument(file);
  if ('problem' in read) return { errors: [read.problem] };
  return validateEnvironmentTemplate(read.doc);
}
