import { describe, expect, it } from 'vitest';
import {
  environmentActions,
  expandStep,
  instantiateTask,
  OpenjdInstantiationError,
  resolveJobParameters,
  resolveNumericFields,
  stepSlice,
  validateTemplate,
  type JobTemplate,
} from '../../src/openjd/index.js';
import { comp } from './expr-let-template.js';

const valid = (doc: unknown): JobTemplate => {
  const v = validateTemplate(doc);
  expect(v.errors).toEqual([]);
  return v.template as JobTemplate;
};
const errorsOf = (doc: unknown) => validateTemplate(doc).errors;

describe('let bindings where format strings resolve', () => {
  const t = valid(comp());
  const values = resolveJobParameters(t, {}).values;

  it("evaluates a step's bindings for its ranges", () => {
    expect(expandStep(t, 'Comp', values).map((x) => x.params.Frame?.value)).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
  });

  it('evaluates step and script bindings in order for a task, values keeping their types', () => {
    const tasks = expandStep(t, 'Comp', values);
    const cmd = instantiateTask(stepSlice(t, 'Comp'), 'Comp', tasks[2]!.params, values, '/s');
    expect(cmd.argv).toEqual(['comp', 'Comp/sh020', '0003', '4', '/s']);
    expect(cmd.env).toMatchObject({ SHOT: 'comp-sh020', GRADE_LABEL: 'Comp/sh020' });
  });

  it("gives environments their script's bindings and a step environment the step's", () => {
    const envs = environmentActions(t, 'Comp', values, '/s');
    expect(envs[0]?.onEnter?.argv).toEqual(['mkdir', '-p', '/s/plates', 'COMP-SH020']);
    expect(envs[1]?.onEnter?.argv).toEqual(['echo', '/s/embedded/step-env-0/Lut', '4']);
    expect(envs[1]?.files[0]?.content).toBe('lut for Comp/sh020');
  });

  it("evaluates a simple action's bindings in its script", () => {
    const cmd = instantiateTask(t, 'Encode', {}, values, '/s');
    expect(cmd.files[0]?.content).toBe('echo sh020.mov Encode');
  });

  it('names the binding when its value cannot be computed with the values given', () => {
    const bad = valid(
      comp({}, { let: ['first = 1', 'count = 10 // (Param.Last - 4)', 'label = "x"'] }),
    );
    let err: unknown;
    try {
      instantiateTask(bad, 'Comp', { Frame: { type: 'INT', value: '1' } }, values, '/s');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OpenjdInstantiationError);
    expect((err as OpenjdInstantiationError).problems).toEqual([
      { path: 'steps[0].let[1]', message: 'count = 10 // (Param.Last - 4): division by zero' },
    ]);
  });
});

describe("a step's bindings in numeric fields (FEATURE_BUNDLE_1)", () => {
  it('are checked and resolved at submission', () => {
    const doc = comp(
      {},
      {
        let: ['first = 1', 'count = 2', 'label = "x"', 'cpus = count * 2 if Param.Last > 3 else 1'],
        hostRequirements: { amounts: [{ name: 'amount.worker.vcpu', min: '{{ cpus }}' }] },
      },
    );
    const t = valid(doc);
    const r = resolveNumericFields(t, resolveJobParameters(t, {}).values);
    expect(r.errors).toEqual([]);
    expect(r.template.steps[0]?.hostRequirements?.amounts?.[0]?.min).toBe(4);
    const wrong = comp(
      {},
      { hostRequirements: { amounts: [{ name: 'amount.worker.vcpu', min: '{{ pad }}' }] } },
    );
    expect(errorsOf(wrong)).toContainEqual({
      path: 'steps[0].hostRequirements.amounts[0].min',
      message: expect.stringMatching(
        /^\{\{ pad \}\} uses pad, which is not defined here/,
      ) as string,
    });
  });
});
