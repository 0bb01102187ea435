import { describe, expect, it } from 'vitest';
import { validateEnvironmentTemplate } from '../../src/openjd/environment-template.js';
import {
  expandStep,
  resolveJobParameters,
  validateTemplate,
  type JobTemplate,
} from '../../src/openjd/index.js';

const doc = (extensions: string[]) => ({
  specificationVersion: 'jobtemplate-2023-09',
  extensions,
  name: 'J',
  parameterDefinitions: [{ name: 'Count', type: 'int', default: 2 }],
  steps: [
    {
      name: 'S',
      parameterSpace: {
        taskParameterDefinitions: [
          { name: 'Frame', type: 'Int', range: '1-{{ Param.Count }}' },
          { name: 'Plate', type: 'pAtH', range: ['/a', '/b'] },
        ],
        combination: 'Frame * Plate',
      },
      script: { actions: { onRun: { command: 'echo', args: ['{{ Task.Param.Plate.name }}'] } } },
    },
  ],
});

describe('parameter type names with EXPR', () => {
  it('are read in any case', () => {
    const v = validateTemplate(doc(['EXPR']));
    expect(v.errors).toEqual([]);
    const t = v.template as JobTemplate;
    expect(t.parameterDefinitions?.[0]?.type).toBe('INT');
    const values = resolveJobParameters(t, {}).values;
    expect(expandStep(t, 'S', values)).toHaveLength(4);
    const env = {
      specificationVersion: 'environment-2023-09',
      extensions: ['EXPR'],
      parameterDefinitions: [{ name: 'Root', type: 'Path', default: '/r' }],
      environment: { name: 'E', variables: { ROOT: '{{ Param.Root }}' } },
    };
    expect(validateEnvironmentTemplate(env).errors).toEqual([]);
  });

  it('are upper-case only without it', () => {
    const paths = validateTemplate(doc([])).errors.map((p) => p.path);
    expect(paths).toContain('parameterDefinitions[0].type');
    expect(paths).toContain('steps[0].parameterSpace.taskParameterDefinitions[1].type');
  });
});
