import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseYamlTemplate } from '../../src/openjd/document-numbers.js';
import { planTemplateJob } from '../../src/openjd/job-plan.js';
import { DIFFERS_ON_PURPOSE, conformanceCases, windowsOnly } from './helpers/conformance.js';

/**
 * The specification's conformance suite, job cases (`2023-09/base/jobs/*.test.yaml`), decided
 * at job creation only (no cluster; what runs is `conformance-jobs.int.test.ts`'s): a
 * `*.invalid.test.yaml` must be refused when the job is made from the template, its
 * environment templates and its parameters; any other must be made. Windows-only cases are
 * left out (the nodes here run Linux).
 */

const TEMPLATE_DIR = '/srv/templates/job';
const cases = conformanceCases('jobs').filter((c) => !windowsOnly(c));

describe('OpenJD conformance: jobs, as job creation decides them', () => {
  for (const c of cases) {
    const differs = DIFFERS_ON_PURPOSE.get(c.name);
    it(`${c.accept ? 'makes' : 'refuses'} ${c.name}${differs ? ` (differs: ${differs})` : ''}`, () => {
      const d = parseYamlTemplate(readFileSync(c.file, 'utf8')) as Record<string, unknown>;
      const given = Object.fromEntries(
        Object.entries((d.parameters ?? {}) as Record<string, unknown>).map(([k, v]) => [
          k,
          typeof v === 'bigint' ? String(v) : v,
        ]),
      );
      const envs = ((d.environments ?? []) as unknown[]).map((doc, i) => ({
        where: `env-${i}.yaml`,
        doc,
        dir: TEMPLATE_DIR,
      }));
      const r = planTemplateJob(d.template, given, {
        relativePathsFrom: TEMPLATE_DIR,
        givenPathsFrom: Object.fromEntries(Object.keys(given).map((k) => [k, '/home/u/work'])),
        hostArch: 'x86_64',
        environments: envs,
      });
      const why = r.errors.map((p) => `${p.path}: ${p.message}`).join('; ');
      if (differs) expect(r.job !== undefined, 'now decided as the suite wants').toBe(!c.accept);
      else expect(r.job !== undefined, r.job ? 'made' : `refused: ${why}`).toBe(c.accept);
    });
  }
});
