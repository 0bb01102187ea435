import { afterAll, describe, expect, it } from 'vitest';
import { loadEnvironmentTemplate } from '../../src/openjd/load.js';
import { checkTemplate, loadTemplate } from '../../src/openjd/index.js';
import {
  DIFFERS_ON_PURPOSE,
  conformanceCases,
  conformanceSuites,
  summary,
  type ConformanceCase,
} from './helpers/conformance.js';

/**
 * The specification's conformance suite, job template cases (`2023-09/base/job_templates/`):
 * each `*.invalid.*` must be refused, every other accepted, with `openjd check`'s decision (the
 * template alone; no parameter values given). The suite is read where `helpers/conformance.ts`
 * says, never copied here.
 */

/** Cases still decided wrong, each with the reason; a case fixed must leave this list. */
const KNOWN_WRONG = new Map<string, string>([]);

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
    // the base suite alone has over 100; an extension folder run by itself, a few
    expect(cases.length).toBeGreaterThan(conformanceSuites().includes('base') ? 100 : 0);
    for (const name of KNOWN_WRONG.keys()) expect(cases.map((c) => c.name)).toContain(name);
  });

  for (const c of cases) {
    const known = KNOWN_WRONG.get(c.name) ?? DIFFERS_ON_PURPOSE.get(c.name);
    it(`${c.accept ? 'accepts' : 'refuses'} ${c.name}${known ? ` (known wrong: ${known})` : ''}`, () => {
      const { ok, why } = accepted(c);
      const right = ok === c.accept;
      results.push({ c, right });
      if (known) expect(right, 'now decided right: remove it from its list').toBe(false);
      else expect(ok, ok ? 'accepted' : `refused: ${why}`).toBe(c.accept);
    });
  }
});

/** The environment template cases (`2023-09/base/env_templates/`), each validated on its own. */
describe('OpenJD conformance: environment templates', () => {
  const envCases = conformanceCases('env_templates');
  const envResults: { c: ConformanceCase; right: boolean }[] = [];
  afterAll(() => {
    console.log(summary('environment templates', envResults));
  });

  it('finds the suite', () => {
    expect(envCases.length).toBeGreaterThan(conformanceSuites().includes('base') ? 10 : 0);
  });

  for (const c of envCases)
    it(`${c.accept ? 'accepts' : 'refuses'} ${c.name}`, () => {
      const r = loadEnvironmentTemplate(c.file);
      const ok = r.errors.length === 0;
      envResults.push({ c, right: ok === c.accept });
      const why = r.errors.map((p) => `${p.path}: ${p.message}`).join('; ');
      expect(ok, ok ? 'accepted' : `refused: ${why}`).toBe(c.accept);
    });
});
