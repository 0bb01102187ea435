import { describe, expect, it } from 'vitest';
import { instantiateTask, validateTemplate } from '../../src/openjd/index.js';
import { FB, messages, plan, template } from './feature-bundle-template.js';

/** FEATURE_BUNDLE_1's format strings in numeric fields, resolved at submission. */
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

  it('leaves out a field whose expression is null, and keeps one whose expression is a number', () => {
    const t = template([...FB, 'EXPR']);
    const onRun = t.steps[0]!.script.actions.onRun as Record<string, unknown>;
    onRun.timeout = '{{ Param.Seconds if Param.Seconds > 10 else null }}';
    const timeout = (given: Record<string, unknown>) => {
      const r = plan(t, given);
      expect(r.errors).toEqual([]);
      const job = r.job!;
      const [task] = job.steps[0]!.tasks!;
      return instantiateTask(job.template, 'Run', task!.params, job.values, '/s').timeoutSeconds;
    };
    expect(timeout({ Seconds: 5 })).toBeNull();
    expect(timeout({ Seconds: 45 })).toBe(45);
    // an empty string is not null: still refused as the number it is not
    onRun.timeout = '{{ "" }}';
    expect(messages(plan(t).errors)).toMatch(/onRun\.timeout: .* resolves to ""; must be a whole/);
  });

  it('names only job parameters, checked when the template is', () => {
    const task = template(FB);
    (task.steps[0]!.script.actions.onRun as Record<string, unknown>).timeout = '{{Task.Param.X}}';
    expect(messages(validateTemplate(task).errors)).toMatch(
      /steps\[0\]\.script\.actions\.onRun\.timeout: .*Task\.Param\.X/,
    );
  });

  it('checks a string with nothing to resolve when the template is checked', () => {
    const literal = template(FB);
    const onRun = literal.steps[0]!.script.actions.onRun as Record<string, unknown>;
    onRun.timeout = 'soon';
    expect(validateTemplate(literal).errors).toEqual([
      {
        path: 'steps[0].script.actions.onRun.timeout',
        message: '"soon": must be a whole number of seconds, at least 1',
      },
    ]);
    onRun.timeout = '90';
    expect(plan(literal).errors).toEqual([]);
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
