import { describe, expect, it } from 'vitest';
import { validateEnvironmentTemplate } from '../../src/openjd/environment-template.js';
import { validateTemplate } from '../../src/openjd/index.js';
import { minimalTemplate } from './fixtures.js';
import { matching } from './helpers/matching.js';

/**
 * Edge values the specification decides one way and a lenient reading another: an empty list
 * where the spec asks for at least one element, an empty string where it names a file.
 */

type Doc = Record<string, unknown>;

/** The minimal template with its first step given one task parameter of `type` over `range`. */
function withTaskParameter(type: string, range: unknown[]): Doc {
  const t = minimalTemplate();
  const [render] = t.steps as Doc[];
  render!.parameterSpace = { taskParameterDefinitions: [{ name: 'Frame', type, range }] };
  render!.script = { actions: { onRun: { command: 'render', args: ['{{Task.Param.Frame}}'] } } };
  return t;
}

describe('the extensions list', () => {
  it('is refused when empty, in a job template and in an environment template', () => {
    expect(validateTemplate({ ...minimalTemplate(), extensions: [] }).errors).toEqual([
      {
        path: 'extensions',
        message: matching(/at least one extension name.*leave extensions out/),
      },
    ]);
    const env = {
      specificationVersion: 'environment-2023-09',
      extensions: [],
      environment: { name: 'Env', variables: { A: 'b' } },
    };
    expect(validateEnvironmentTemplate(env).errors).toEqual([
      { path: 'extensions', message: matching(/at least one extension name/) },
    ]);
    expect(validateEnvironmentTemplate({ ...env, extensions: undefined }).errors).toEqual([]);
  });
});

describe('task parameter values', () => {
  it('an empty PATH value is refused; an empty STRING value is a value', () => {
    expect(validateTemplate(withTaskParameter('PATH', ['a.exr', ''])).errors).toEqual([
      {
        path: 'steps[0].parameterSpace.taskParameterDefinitions[0].range[1]',
        message: matching(/must not be empty: a PATH value names a file or directory/),
      },
    ]);
    expect(validateTemplate(withTaskParameter('STRING', ['a', ''])).errors).toEqual([]);
  });
});
