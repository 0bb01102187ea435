import { describe, expect, it } from 'vitest';
import { validateEnvironmentTemplate } from '../../src/openjd/environment-template.js';
import { instantiateTask, planTemplateJob, validateTemplate } from '../../src/openjd/index.js';

/** FEATURE_BUNDLE_1's longer name and count limits, and format strings in numeric fields. */
const FB = ['FEATURE_BUNDLE_1'];
const template = (extensions: string[], over: Record<string, unknown> = {}) => ({
  specificationVersion: 'jobtemplate-2023-09',
  extensions,
  name: 'numbers',
  parameterDefinitions: [
    { name: 'Seconds', type: 'INT', default: 30 },
    { name: 'Notify', type: 'INT', default: 20 },
    { name: 'Cpus', type: 'INT', default: 1 },
  ],
  steps: [
    {
      name: 'Run',
      script: {
        actions: {
          onRun: {
            command: 'true',
            timeout: '{{Param.Seconds}}',
            cancelation: {
              mode: 'NOTIFY_THEN_TERMINATE',
              notifyPeriodInSeconds: '{{Param.Notify}}',
            },
          },
        },
      },
      hostRequirements: { amounts: [{ name: 'amount.worker.vcpu', min: '{{Param.Cpus}}' }] },
    },
  ],
  ...over,
});
const plan = (doc: unknown, given: Record<string, unknown> = {}) =>
  planTemplateJob(doc, given, { hostArch: 'x86_64' });
const messages = (ps: { path: string; message: string }[]) =>
  ps.map((p) => `${p.path}: ${p.message}`).join('\n');

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
      extensions,
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

describe('FEATURE_BUNDLE_1 format strings in numeric fields', () => {
  it('resolves timeouts, notify periods and amounts from job parameters at submission', () => {
    const r = plan(template(FB), { Seconds: 45, Notify: 7, Cpus: 2 });
    expect(r.errors).toEqual([]);
    const job = r.job!;
    expect(job.resources.cpus).toBe(2);
    const [task] = job.steps[0]!.tasks!;
    const cmd = instantiateTask(job.template, 'Run', task!.params, job.values, '/s');
    expect(cmd.timeoutSeconds).toBe(45);
    expect(cmd.cancelation).toEqual({ mode: 'NOTIFY_THEN_TERMINATE', notifyPeriodSeconds: 7 });
  });

  it('checks the resolved value as the field’s number, naming the field and the value', () => {
    expect(plan(template(FB), { Seconds: 0 }).errors).toEqual([
      {
        path: 'steps[0].script.actions.onRun.timeout',
        message: '{{Param.Seconds}} resolves to "0"; must be a whole number of seconds, at least 1',
      },
    ]);
    expect(plan(template(FB), { Notify: 601 }).errors).toEqual([
      {
        path: 'steps[0].script.actions.onRun.cancelation.notifyPeriodInSeconds',
        message:
          '{{Param.Notify}} resolves to "601"; must be a whole number of seconds from 1 to 600',
      },
    ]);
    const amounts = template(FB, {
      parameterDefinitions: [{ name: 'Low', type: 'STRING', default: 'lots' }],
      steps: [
        {
          name: 'Run',
          script: { actions: { onRun: { command: 'true' } } },
          hostRequirements: {
            amounts: [{ name: 'amount.worker.vcpu', min: '{{Param.Low}}', max: '4' }],
          },
        },
      ],
    });
    expect(plan(amounts).errors).toEqual([
      {
        path: 'steps[0].hostRequirements.amounts[0].min',
        message: '{{Param.Low}} resolves to "lots"; must be a number, zero or more',
      },
    ]);
  });

  it('names only job parameters, checked when the template is', () => {
    const task = template(FB);
    (task.steps[0]!.script.actions.onRun as Record<string, unknown>).timeout = '{{Task.Param.X}}';
    expect(messages(validateTemplate(task).errors)).toMatch(
      /steps\[0\]\.script\.actions\.onRun\.timeout: .*Task\.Param\.X/,
    );
  });

  it('is refused without the extension, naming the field', () => {
    const errors = validateTemplate(template([])).errors;
    const refusal =
      'a format string in a numeric field needs the FEATURE_BUNDLE_1 extension: list it in extensions, or give a number';
    for (const path of [
      'steps[0].script.actions.onRun.timeout',
      'steps[0].script.actions.onRun.cancelation.notifyPeriodInSeconds',
      'steps[0].hostRequirements.amounts[0].min',
    ])
      expect(errors).toContainEqual({ path, message: refusal });
  });

  it('keeps numbers as numbers, checked as before', () => {
    const t = template([]);
    const onRun = t.steps[0]!.script.actions.onRun as Record<string, unknown>;
    onRun.timeout = 0;
    delete onRun.cancelation;
    (t.steps[0] as Record<string, unknown>).hostRequirements = {
      amounts: [{ name: 'amount.worker.vcpu', min: 4, max: 2 }],
    };
    expect(
      validateTemplate(t)
        .errors.map((e) => `${e.path}: ${e.message}`)
        .sort(),
    ).toEqual([
      'steps[0].hostRequirements.amounts[0].max: must be at least min',
      'steps[0].script.actions.onRun.timeout: must be at least 1 second',
    ]);
  });
});
