import { afterAll, describe, expect, it } from 'vitest';
import { checkTemplate, loadTemplate } from '../../src/openjd/index.js';
import { conformanceCases, summary, type ConformanceCase } from './helpers/conformance.js';

/**
 * The specification's conformance suite, job template cases (`2023-09/base/job_templates/`):
 * each `*.invalid.*` must be refused, every other accepted, with `openjd check`'s decision (the
 * template alone; no parameter values given). The suite is read where `helpers/conformance.ts`
 * says, never copied here.
 */

/** Cases still decided wrong, each with the reason; a case fixed must leave this list. */
const KNOWN_WRONG = new Map<string, string>([
  [
    '2--checkbox-wrong-values.invalid.yaml',
    'userInterface is checked for shape only, not for which control takes which fields',
  ],
  [
    '2.1--checkbox-one-value.invalid.yaml',
    'userInterface is checked for shape only, not for which control takes which fields',
  ],
  [
    '2.1--checkbox-without-allowedvalues.invalid.yaml',
    'userInterface is checked for shape only, not for which control takes which fields',
  ],
  [
    '2.1--dropdown-without-allowed.invalid.yaml',
    'userInterface is checked for shape only, not for which control takes which fields',
  ],
  ['2.1--minlength-zero.yaml', 'minLength must be at least 1 here; the spec allows 0'],
  [
    '2.1--multiline-edit-with-allowed.invalid.yaml',
    'userInterface is checked for shape only, not for which control takes which fields',
  ],
  [
    '2.2--choose-directory-with-allowed.invalid.yaml',
    'userInterface is checked for shape only, not for which control takes which fields',
  ],
  [
    '2.2--choose-file-with-allowed.invalid.yaml',
    'userInterface is checked for shape only, not for which control takes which fields',
  ],
  [
    '2.2--choose-output-file-with-allowed.invalid.yaml',
    'userInterface is checked for shape only, not for which control takes which fields',
  ],
  [
    '2.2--file-filters-on-directory.invalid.yaml',
    'userInterface is checked for shape only, not for which control takes which fields',
  ],
  ['2.3--int-allowedvalues-int64-max.yaml', 'INT is bounded to ±2^53 here (OpenJD INT is int64)'],
  ['2.3--int-default-int64-max.yaml', 'INT is bounded to ±2^53 here (OpenJD INT is int64)'],
  ['2.3--int-default-int64-min.yaml', 'INT is bounded to ±2^53 here (OpenJD INT is int64)'],
  ['2.3--int-maxvalue-int64-max.yaml', 'INT is bounded to ±2^53 here (OpenJD INT is int64)'],
  ['2.3--int-minvalue-int64-max.yaml', 'INT is bounded to ±2^53 here (OpenJD INT is int64)'],
  [
    '2.3--step-delta-non-spinbox.invalid.yaml',
    'userInterface is checked for shape only, not for which control takes which fields',
  ],
  [
    '2.4--decimals-on-hidden.invalid.yaml',
    'userInterface is checked for shape only, not for which control takes which fields',
  ],
  [
    '2.4--step-delta-non-spinbox.invalid.yaml',
    'userInterface is checked for shape only, not for which control takes which fields',
  ],
  [
    '3.3--duplicate-amount-names-case-insensitive.invalid.yaml',
    'amount names are not checked for duplicates',
  ],
  ['3.3--duplicate-amount-names.invalid.yaml', 'amount names are not checked for duplicates'],
  [
    '3.4--too-many-range-items.invalid.yaml',
    'a range expression may stand for 100,000 values; a list for 1,024',
  ],
]);

const cases = conformanceCases('job_templates');
const results: { c: ConformanceCase; right: boolean }[] = [];

function accepted(c: ConformanceCase): { ok: boolean; why: string } {
  const checked = checkTemplate(loadTemplate(c.file), {});
  return {
    ok: checked.errors.length === 0,
    why: checked.errors.map((p) => `${p.path}: ${p.message}`).join('; '),
  };
}

describe('OpenJD conformance: job templates', () => {
  afterAll(() => {
    console.log(summary('job templates', results));
  });

  it('finds the suite', () => {
    expect(cases.length).toBeGreaterThan(100);
    for (const name of KNOWN_WRONG.keys()) expect(cases.map((c) => c.name)).toContain(name);
  });

  for (const c of cases) {
    const known = KNOWN_WRONG.get(c.name);
    it(`${c.accept ? 'accepts' : 'refuses'} ${c.name}${known ? ` (known wrong: ${known})` : ''}`, () => {
      const { ok, why } = accepted(c);
      const right = ok === c.accept;
      results.push({ c, right });
      if (known) expect(right, 'now decided right: remove it from KNOWN_WRONG').toBe(false);
      else expect(ok, ok ? 'accepted' : `refused: ${why}`).toBe(c.accept);
    });
  }
});
