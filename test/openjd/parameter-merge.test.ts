import { describe, expect, it } from 'vitest';
import { planTemplateJob } from '../../src/openjd/job-plan.js';
import { mergeParameterDefinitions } from '../../src/openjd/parameter-merge.js';
import type { JobParameterDefinition } from '../../src/openjd/schema/parameters.js';
import { matching } from './helpers/matching.js';

/** Parameter definitions of environment templates and a job template, merged in order (§1.2.1). */

const merge = (...defs: JobParameterDefinition[]) =>
  mergeParameterDefinitions(defs.map((d, i) => ({ where: `template ${i + 1}`, defs: [d] })));

describe('merging parameter definitions', () => {
  it('refuses a later definition that loosens a bound the earlier ones set', () => {
    const r = merge(
      { name: 'Tag', type: 'STRING', minLength: 10, default: 'abcdefghij' },
      { name: 'Tag', type: 'STRING', minLength: 5 },
    );
    expect(r.errors).toEqual([
      {
        path: 'template 2: parameter Tag',
        message: matching(/minLength 5, looser than 10 there: a later definition may only narrow/),
      },
    ]);
    const ints = merge(
      { name: 'N', type: 'INT', minValue: 20, maxValue: 30 },
      { name: 'N', type: 'INT', minValue: 0, maxValue: 10 },
    );
    expect(ints.errors).toEqual([
      { path: 'template 2: parameter N', message: matching(/minValue 0, looser than 20/) },
    ]);
  });

  it('refuses allowed values the earlier definitions do not admit', () => {
    const r = merge(
      { name: 'N', type: 'INT', allowedValues: [10, 20] },
      { name: 'N', type: 'INT', allowedValues: [20, 30] },
    );
    expect(r.errors).toEqual([
      { path: 'template 2: parameter N', message: matching(/allows 30, which the definition/) },
    ]);
  });

  it('takes a narrower definition, a bound left out, and a looser bound beside a narrower list', () => {
    expect(
      merge(
        { name: 'N', type: 'INT', minValue: 1 },
        { name: 'N', type: 'INT', maxValue: 20 },
        { name: 'N', type: 'INT', minValue: 5, maxValue: 10, default: 8 },
      ),
    ).toMatchObject({ errors: [], defs: [{ minValue: 5, maxValue: 10, default: 8 }] });
    expect(
      merge(
        { name: 'N', type: 'INT', allowedValues: [10, 20, 30], maxValue: 40 },
        { name: 'N', type: 'INT', allowedValues: [10, 30], maxValue: 50, default: 10 },
      ),
    ).toMatchObject({ errors: [], defs: [{ allowedValues: [10, 30], maxValue: 40 }] });
  });
});

describe('a job template with environment templates', () => {
  it('may use the parameters only an environment template defines', () => {
    const template = {
      specificationVersion: 'jobtemplate-2023-09',
      name: 'Job',
      steps: [
        {
          name: 'Step',
          script: { actions: { onRun: { command: 'echo', args: ['{{Param.Quality}}'] } } },
        },
      ],
    };
    const env = {
      specificationVersion: 'environment-2023-09',
      parameterDefinitions: [{ name: 'Quality', type: 'STRING', default: 'high' }],
      environment: { name: 'Env', variables: { QUALITY: '{{Param.Quality}}' } },
    };
    const made = planTemplateJob(
      template,
      {},
      {
        hostArch: 'x86_64',
        environments: [{ where: 'env.yaml', doc: env }],
      },
    );
    expect(made.errors).toEqual([]);
    expect(made.job?.values).toMatchObject({ Quality: { type: 'STRING', value: 'high' } });
    // without the environment template, the name is not defined
    expect(planTemplateJob(template, {}, { hostArch: 'x86_64' }).errors).toEqual([
      expect.objectContaining({ message: matching(/no job parameter has that name/) }),
    ]);
  });
});
