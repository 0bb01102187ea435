import { describe, expect, it } from 'vitest';
import {
  parseParameterArgs,
  resolveJobParameters,
  validateTemplate,
  type JobTemplate,
} from '../../src/openjd/index.js';
import { fullTemplate } from './fixtures.js';
import { matching } from './helpers/matching.js';

const template = validateTemplate(fullTemplate()).template as JobTemplate;

describe('job parameters', () => {
  it('takes given values over defaults and gives every value as the text format strings see', () => {
    const r = resolveJobParameters(template, { Count: '7', Mode: 'slow' });
    expect(r.errors).toEqual([]);
    expect(r.values).toEqual({
      Count: { type: 'INT', value: '7' },
      Gain: { type: 'FLOAT', value: '0.50' },
      Mode: { type: 'STRING', value: 'slow' },
      Scene: { type: 'PATH', value: '/data/scene.blend' },
    });
  });

  it('takes INT values across int64 exactly, and refuses one past it', () => {
    const t = validateTemplate({
      specificationVersion: 'jobtemplate-2023-09',
      name: 'J',
      parameterDefinitions: [{ name: 'N', type: 'INT', maxValue: '9223372036854775807' }],
      steps: [{ name: 'S', script: { actions: { onRun: { command: 'echo' } } } }],
    }).template as JobTemplate;
    for (const v of ['9223372036854775807', 9223372036854775807n, '-9223372036854775808'])
      expect(resolveJobParameters(t, { N: v }).values.N?.value).toBe(String(v));
    expect(resolveJobParameters(t, { N: '9223372036854775808' }).errors).toEqual([
      { path: 'N', message: matching(/is not from -9223372036854775808 to 9223372036854775807/) },
    ]);
  });

  it('refuses values of the wrong type, outside the bounds, not allowed, missing or unknown, naming the parameter', () => {
    const defs = template.parameterDefinitions ?? [];
    const noDefaults = {
      ...template,
      parameterDefinitions: defs.map((d) => ({ ...d, default: undefined })),
    } as JobTemplate;
    const r = resolveJobParameters(noDefaults, {
      Count: '11',
      Gain: 'loud',
      Mode: 'medium',
      Shots: 'x',
    });
    expect(r.errors).toEqual([
      {
        path: 'Shots',
        message: matching(
          /is not a parameter of this template \(it has Count, Gain, Mode, Scene\)/,
        ),
      },
      { path: 'Count', message: '11 is more than the maximum 10' },
      { path: 'Gain', message: '"loud" is not a number' },
      {
        path: 'Mode',
        message: matching(/"medium" is not one of the allowed values "fast", "slow"/),
      },
      { path: 'Scene', message: matching(/needs a value: give -p Scene=VALUE/) },
    ]);
    expect(resolveJobParameters(template, { Count: '2.5' }).errors).toEqual([
      { path: 'Count', message: '"2.5" is not an integer' },
    ]);
  });

  it('makes relative PATH values absolute against the bundle directory when asked', () => {
    const r = resolveJobParameters(
      template,
      { Scene: 'scenes/a.blend' },
      { relativePathsFrom: '/bundles/b' },
    );
    expect(r.values.Scene).toEqual({ type: 'PATH', value: '/bundles/b/scenes/a.blend' });
  });

  it('parses -p Name=Value, keeping any further = in the value', () => {
    expect(parseParameterArgs(['A=1', 'B=x=y'])).toEqual({
      values: { A: '1', B: 'x=y' },
      errors: [],
    });
    expect(parseParameterArgs(['novalue', '1A=2']).errors.map((e) => e.path)).toEqual([
      '-p novalue',
      '-p 1A=2',
    ]);
  });
});
