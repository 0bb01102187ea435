import { describe, expect, it } from 'vitest';
import { validateEnvironmentTemplate } from '../../src/openjd/environment-template.js';
import { validateTemplate } from '../../src/openjd/index.js';
import { FB, messages, plan, template } from './feature-bundle-template.js';

/** FEATURE_BUNDLE_1's longer name and count limits. */
describe('FEATURE_BUNDLE_1 limits', () => {
  const named = (extensions: string[], length: number) =>
    template(extensions, {
      parameterDefinitions: [{ name: 'P'.repeat(length), type: 'INT', default: 1 }],
      steps: [
        {
          name: 'S'.repeat(length),
          script: {
            actions: { onRun: { command: 'true' } },
            embeddedFiles: [
              { name: 'F'.repeat(length), type: 'TEXT', data: 'x', filename: 'f'.repeat(length) },
            ],
          },
          stepEnvironments: [{ name: 'E'.repeat(length), variables: { A: 'b' } }],
        },
      ],
    });

  it('allows 512-character names, 256-character file names and 200 parameters with the bundle', () => {
    expect(validateTemplate(named(FB, 200)).errors).toEqual([]);
    const many = template(FB, {
      parameterDefinitions: Array.from({ length: 200 }, (_, i) => ({ name: `P${i}`, type: 'INT' })),
      steps: [{ name: 'Run', script: { actions: { onRun: { command: 'true' } } } }],
    });
    expect(validateTemplate(many).errors).toEqual([]);
    const over = named(FB, 513);
    const errors = messages(validateTemplate(over).errors);
    expect(errors).toContain('steps[0].name: must be at most 512 characters');
    expect(errors).toContain('parameterDefinitions[0].name: must be at most 512 characters');
    expect(errors).toContain(
      'steps[0].script.embeddedFiles[0].filename: must be at most 256 characters',
    );
  });

  it('keeps the 2023-09 limits without it, saying how to raise them', () => {
    const errors = validateTemplate(named([], 65)).errors;
    for (const path of [
      'steps[0].name',
      'parameterDefinitions[0].name',
      'steps[0].script.embeddedFiles[0].name',
      'steps[0].script.embeddedFiles[0].filename',
      'steps[0].stepEnvironments[0].name',
    ])
      expect(errors).toContainEqual({
        path,
        message:
          'must be at most 64 characters, or list FEATURE_BUNDLE_1 in extensions for up to ' +
          (path.endsWith('filename') ? '256' : '512'),
      });
    // a name over both limits is told the one that applies, once
    expect(
      validateTemplate(named([], 600)).errors.filter((e) => e.path === 'steps[0].name'),
    ).toEqual([
      {
        path: 'steps[0].name',
        message:
          'must be at most 64 characters, or list FEATURE_BUNDLE_1 in extensions for up to 512',
      },
    ]);
    const many = template([], {
      parameterDefinitions: Array.from({ length: 51 }, (_, i) => ({ name: `P${i}`, type: 'INT' })),
      steps: [{ name: 'Run', script: { actions: { onRun: { command: 'true' } } } }],
    });
    expect(validateTemplate(many).errors).toEqual([
      {
        path: 'parameterDefinitions',
        message:
          'must define at most 50 parameters, or list FEATURE_BUNDLE_1 in extensions for up to 200',
      },
    ]);
  });

  it('allows a 512-character job name with the bundle, 128 without', () => {
    const long = (extensions: string[]) =>
      template(extensions, {
        name: '{{Param.N}}',
        parameterDefinitions: [{ name: 'N', type: 'STRING', default: 'n'.repeat(300) }],
        steps: [{ name: 'Run', script: { actions: { onRun: { command: 'true' } } } }],
      });
    expect(plan(long(FB)).job?.name).toBe('n'.repeat(300));
    expect(plan(long([])).errors).toEqual([
      { path: 'name', message: 'resolves to 300 characters; at most 128 are allowed' },
    ]);
  });

  it('applies to environment templates, whose parameter count stays 50', () => {
    const env = (extensions: string[], params: number) => ({
      specificationVersion: 'environment-2023-09',
      ...(extensions.length ? { extensions } : {}),
      parameterDefinitions: Array.from({ length: params }, (_, i) => ({
        name: `P${i}`,
        type: 'INT',
      })),
      environment: { name: 'E'.repeat(100), variables: { A: 'b' } },
    });
    expect(validateEnvironmentTemplate(env(FB, 1)).errors).toEqual([]);
    expect(validateEnvironmentTemplate(env([], 1)).errors).toEqual([
      {
        path: 'environment.name',
        message:
          'must be at most 64 characters, or list FEATURE_BUNDLE_1 in extensions for up to 512',
      },
    ]);
    expect(messages(validateEnvironmentTemplate(env(FB, 51)).errors)).toMatch(
      /parameterDefinitions: must .* at most 50 /,
    );
  });
});
