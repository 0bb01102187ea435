import { describe, expect, it } from 'vitest';
import { openjdPayload } from '../../src/coordinator/jobs/openjd-payload.js';
import { validateEnvironmentTemplate } from '../../src/openjd/environment-template.js';
import {
  expandStep,
  instantiateTask,
  jobName,
  resolveJobParameters,
  stepSlice,
  validateTemplate,
  type JobTemplate,
} from '../../src/openjd/index.js';

/** A job with one parameter `Verbose` (as `param` says) whose step echoes `args`. */
const job = (extensions: string[], param: Record<string, unknown>, args: string[] = ['x']) => ({
  specificationVersion: 'jobtemplate-2023-09',
  ...(extensions.length ? { extensions } : {}),
  name: 'Render {{ "loud" if Param.Verbose else "quiet" }}',
  parameterDefinitions: [{ name: 'Verbose', type: 'BOOL', ...param }],
  steps: [{ name: 'S', script: { actions: { onRun: { command: 'echo', args } } } }],
});

const valid = (doc: unknown): JobTemplate => {
  const v = validateTemplate(doc);
  expect(v.errors).toEqual([]);
  return v.template as JobTemplate;
};
const messages = (doc: unknown) =>
  validateTemplate(doc).errors.map((p) => `${p.path}: ${p.message}`);

describe('BOOL job parameters', () => {
  it('need the EXPR extension, in job and environment templates', () => {
    const plain = { ...job([], { default: true }), name: 'Render' };
    expect(messages(plain)).toEqual([
      'parameterDefinitions[0].type: BOOL parameters need the EXPR extension: list EXPR in extensions, or use a STRING parameter',
    ]);
    const env = (extensions: string[]) => ({
      specificationVersion: 'environment-2023-09',
      ...(extensions.length ? { extensions } : {}),
      parameterDefinitions: [{ name: 'Debug', type: 'bool', default: 'no' }],
      environment: { name: 'E', variables: { DEBUG: '{{ Param.Debug }}' } },
    });
    expect(validateEnvironmentTemplate(env(['EXPR'])).errors).toEqual([]);
    expect(validateEnvironmentTemplate(env([])).errors.map((p) => p.message)).toContainEqual(
      expect.stringMatching(/^BOOL parameters need the EXPR extension/),
    );
  });

  it('take their type name in any case with EXPR', () => {
    for (const type of ['BOOL', 'bool', 'Bool']) {
      const t = valid({
        ...job(['EXPR'], { default: true }),
        parameterDefinitions: [{ name: 'Verbose', type, default: true }],
      });
      expect(t.parameterDefinitions?.[0]?.type).toBe('BOOL');
    }
  });

  it('read true/false, 1/0 and yes/no, on/off, 1/0 text in any case', () => {
    const cases: [unknown, string][] = [
      [true, 'true'],
      [false, 'false'],
      [1, 'true'],
      [0, 'false'],
      [1.0, 'true'],
      ['TRUE', 'true'],
      ['False', 'false'],
      ['yes', 'true'],
      ['NO', 'false'],
      ['On', 'true'],
      ['off', 'false'],
      ['1', 'true'],
      ['0', 'false'],
    ];
    for (const [given, text] of cases) {
      const t = valid(job(['EXPR'], { default: given }));
      expect(resolveJobParameters(t, {}).values.Verbose).toEqual({ type: 'BOOL', value: text });
      // a value given at submission (-p, a parameter values file) is read the same way
      const bare = valid(job(['EXPR'], {}));
      expect(resolveJobParameters(bare, { Verbose: given }).values.Verbose?.value).toBe(text);
    }
  });

  it('refuse other defaults and values, saying which spellings are accepted', () => {
    for (const bad of [2, 0.5, 'maybe', '1.0', 't', ''])
      expect(messages(job(['EXPR'], { default: bad }))).toEqual([
        'parameterDefinitions[0].default: must be true or false (or yes/no, on/off, 1/0, in any case)',
      ]);
    const t = valid(job(['EXPR'], { default: true }));
    expect(resolveJobParameters(t, { Verbose: 'maybe' }).errors).toEqual([
      {
        path: 'Verbose',
        message: '"maybe" is not true or false (or yes/no, on/off, 1/0, in any case)',
      },
    ]);
  });

  it('take no allowedValues and only a CHECK_BOX or HIDDEN control', () => {
    expect(messages(job(['EXPR'], { default: true, allowedValues: [true] }))).toEqual([
      expect.stringMatching(/^parameterDefinitions\[0\]\.allowedValues: is not a property here/),
    ]);
    valid(job(['EXPR'], { default: true, userInterface: { control: 'CHECK_BOX', label: 'Loud' } }));
    valid(job(['EXPR'], { userInterface: { control: 'HIDDEN' } }));
    expect(messages(job(['EXPR'], { userInterface: { control: 'LINE_EDIT' } }))).toEqual([
      expect.stringMatching(/^parameterDefinitions\[0\]\.userInterface\.control: /),
    ]);
  });

  it('are bools in expressions and write as true/false, Param and RawParam alike', () => {
    const args = [
      '{{ Param.Verbose }}',
      '{{ RawParam.Verbose }}',
      '{{ "-v" if Param.Verbose else "-q" }}',
      '{{ not RawParam.Verbose }}',
      '{{ Param.Verbose == true }}',
    ];
    const t = valid(job(['EXPR'], { default: 'yes' }, args));
    for (const [given, argv, name] of [
      ['on', ['true', 'true', '-v', 'false', 'true'], 'Render loud'],
      ['0', ['false', 'false', '-q', 'true', 'false'], 'Render quiet'],
    ] as const) {
      const values = resolveJobParameters(t, { Verbose: given }).values;
      expect(jobName(t, values)).toEqual({ name });
      const [task] = expandStep(t, 'S', values);
      const cmd = instantiateTask(stepSlice(t, 'S'), 'S', task!.params, values, '/s');
      expect(cmd.argv).toEqual(['echo', ...argv]);
    }
  });

  it("travel in an OpenJD task's payload", () => {
    const t = valid(job(['EXPR'], { default: true }));
    const values = resolveJobParameters(t, {}).values;
    const payload = { step: 'S', stepIndex: 0, index: 0, label: 'S', params: {}, template: t };
    expect(openjdPayload.safeParse({ ...payload, jobParameters: values }).success).toBe(true);
  });
});
