import path from 'node:path';
import { expect } from 'vitest';
import { loadTemplate, resolveJobParameters } from '../../../src/openjd/index.js';

/** The example templates and bundles the project ships. */
export const EXAMPLES = path.resolve(import.meta.dirname, '../../../examples/openjd');

/** Loads an example bundle with its parameter values plus `given`, expecting no errors. */
export function loadExample(bundle: string, given: Record<string, unknown>) {
  const loaded = loadTemplate(path.join(EXAMPLES, bundle));
  expect(loaded.errors).toEqual([]);
  const template = loaded.template!;
  const r = resolveJobParameters(
    template,
    { ...loaded.parameterValues, ...given },
    { relativePathsFrom: loaded.bundleDir },
  );
  expect(r.errors).toEqual([]);
  return { template, values: r.values, warnings: loaded.warnings };
}
