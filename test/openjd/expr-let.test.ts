import { describe, expect, it } from 'vitest';
import { validateEnvironmentTemplate } from '../../src/openjd/environment-template.js';
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

/** A compositing job that names its plates with `let` at every level a binding may stand. */
const comp = (over: Record<string, unknown> = {}, stepOver: Record<string, unknown> = {}) => ({
  specificationVersion: 'jobtemplate-2023-09',
  extensions: ['EXPR', 'FEATURE_BUNDLE_1'],
  name: 'comp-{{ Param.Shot }}',
  parameterDefinitions: [
    { name: 'Shot', type: 'STRING', default: 'sh020' },
    { name: 'Last', type: 'INT', default: 4 },
  ],
  jobEnvironments: [
    {
      name: 'Plates',
      variables: { SHOT: '{{ Job.Name }}' },
      script: {
        let: ['plate_dir = Session.WorkingDirectory / "plates"', 'tag = Job.Name.upper()'],
        actions: { onEnter: { command: 'mkdir', args: ['-p', '{{ plate_dir }}', '{{ tag }}'] } },
      },
    },
  ],
  steps: [
    {
      name: 'Comp',
      let: ['first = 1', 'count = Param.Last - first + 1', 'label = Step.Name + "/" + Param.Shot'],
      parameterSpace: {
        taskParameterDefinitions: [
          { name: 'Frame', type: 'INT', range: '{{ first }}-{{ Param.Last }}' },
        ],
      },
      stepEnvironments: [
        {
          name: 'Grade',
          variables: { GRADE_LABEL: '{{ label }}' },
          script: {
            let: ['lut = Env.File.Lut'],
            actions: { onEnter: { command: 'echo', args: ['{{ lut }}', '{{ count }}'] } },
            embeddedFiles: [{ name: 'Lut', type: 'TEXT', data: 'lut for {{ label }}' }],
          },
        },
      ],
      script: {
        let: ['pad = string(Task.Param.Frame).zfill(4)', 'frames = [first, count]'],
        actions: {
          onRun: {
            command: 'comp',
            args: ['{{ label }}', '{{ pad }}', '{{ frames[1] }}', '{{ Session.WorkingDirectory }}'],
          },
        },
      },
      ...stepOver,
    },
    {
      name: 'Encode',
      dependencies: [{ dependsOn: 'Comp' }],
      bash: {
        let: ['movie = Param.Shot + ".mov"'],
        script: 'echo {{ movie }} {{ Step.Name }}',
      },
    },
  ],
  ...over,
});

const valid = (doc: unknown): JobTemplate => {
  const v = validateTemplate(doc);
  expect(v.errors).toEqual([]);
  return v.template as JobTemplate;
};
const errorsOf = (doc: unknown) => validateTemplate(doc).errors;

describe('let bindings at check/submit', () => {
  it('accepts bindings on a step, its script, environments and a simple action', () => {
    valid(comp());
  });

  it('needs the EXPR extension, naming each let where it stands', () => {
    const errors = errorsOf(comp({ extensions: ['FEATURE_BUNDLE_1'] }));
    const lets = errors.filter((p) => /let bindings need the EXPR extension/.test(p.message));
    expect(lets.map((p) => p.path)).toEqual([
      'jobEnvironments[0].script.let',
      'steps[0].let',
      'steps[0].stepEnvironments[0].script.let',
      'steps[0].script.let',
      'steps[1].bash.let',
    ]);
  });

  it('refuses a binding without "=", an upper-case name, a repeated name, an empty or long list', () => {
    const at = (bindings: unknown) => errorsOf(comp({}, { let: bindings }));
    expect(at(['first'])).toContainEqual({
      path: 'steps[0].let[0]',
      message: expect.stringMatching(/must be "name = expression"/) as string,
    });
    expect(at(['First = 1'])).toContainEqual({
      path: 'steps[0].let[0]',
      message: expect.stringMatching(/"First" is not a binding name: use lower-case/) as string,
    });
    expect(at(['first = 1', 'first = 2'])).toContainEqual({
      path: 'steps[0].let[1]',
      message: expect.stringMatching(/"first" is bound already at let\[0\]/) as string,
    });
    expect(at([])).toContainEqual({
      path: 'steps[0].let',
      message: expect.stringMatching(/at least 1 item/) as string,
    });
    const many = Array.from({ length: 51 }, (_, i) => `v${i} = ${i}`);
    expect(at(many)).toContainEqual({
      path: 'steps[0].let',
      message: 'must list at most 50 items',
    });
    // 50 are allowed, and a name may start with _ and be 512 characters long
    const fifty = [...many.slice(0, 49), `_${'a'.repeat(511)} = 1`];
    expect(
      errorsOf(
        comp(
          {},
          {
            let: fifty,
            parameterSpace: undefined,
            stepEnvironments: undefined,
            script: { actions: { onRun: { command: 'x' } } },
          },
        ),
      ),
    ).toEqual([]);
  });

  it("names a simple action's binding where the template writes it", () => {
    const withAction = (bindings: string[]) => {
      const doc = comp();
      (doc.steps[1] as { bash: { let: string[] } }).bash.let = bindings;
      return errorsOf(doc);
    };
    expect(withAction(['Movie = 1'])).toContainEqual({
      path: 'steps[1].bash.let[0]',
      message: expect.stringMatching(/"Movie" is not a binding name/) as string,
    });
    expect(withAction(['a = 1', 'b = pad'])).toContainEqual({
      path: 'steps[1].bash.let[1]',
      message: expect.stringMatching(/^b = pad uses pad, which is not defined here/) as string,
    });
  });

  it('sees only the bindings before it: no self-reference, no forward reference', () => {
    const errors = errorsOf(
      comp({}, { let: ['first = first + 1', 'count = label', 'label = "x"'] }),
    );
    expect(errors).toContainEqual({
      path: 'steps[0].let[0]',
      message: expect.stringMatching(
        /^first = first \+ 1 uses first, .*cannot use its own value/,
      ) as string,
    });
    expect(errors).toContainEqual({
      path: 'steps[0].let[1]',
      message: expect.stringMatching(
        /"label" is bound after this binding: move it before/,
      ) as string,
    });
  });

  it('refuses a binding that takes the name of the step binding it is nested in', () => {
    const step = comp().steps[0] as Record<string, unknown>;
    const script = { ...(step.script as object), let: ['count = 2'] };
    expect(errorsOf(comp({}, { script }))).toContainEqual({
      path: 'steps[0].script.let[0]',
      message: '"count" is bound already in an enclosing let: give this binding another name',
    });
  });

  it("keeps a step's bindings to submission values, an environment's to its own scope", () => {
    const stepLet = errorsOf(
      comp(
        {},
        {
          let: [
            'first = Task.Param.Frame',
            'count = len(string(Session.WorkingDirectory))',
            'label = "x"',
          ],
        },
      ),
    );
    expect(stepLet).toContainEqual({
      path: 'steps[0].let[0]',
      message: expect.stringMatching(
        /uses Task\.Param\.Frame, which is not defined here: Task values exist only in a step's script/,
      ) as string,
    });
    expect(stepLet).toContainEqual({
      path: 'steps[0].let[1]',
      message: expect.stringMatching(
        /uses Session\.WorkingDirectory, .*known only on the host/,
      ) as string,
    });
    const jobEnv = comp({
      jobEnvironments: [
        {
          name: 'Plates',
          script: {
            let: ['s = Step.Name'],
            actions: { onEnter: { command: 'echo', args: ['{{ s }}'] } },
          },
        },
      ],
    });
    expect(errorsOf(jobEnv)).toContainEqual({
      path: 'jobEnvironments[0].script.let[0]',
      message: expect.stringMatching(
        /uses Step\.Name, which is not defined here: Step\.Name exists only inside a step/,
      ) as string,
    });
  });

  it("keeps a script's bindings out of other places: variables and the step's ranges", () => {
    const errors = errorsOf(
      comp({
        jobEnvironments: [
          {
            name: 'Plates',
            variables: { DIR: '{{ plate_dir }}' },
            script: { let: ['plate_dir = "p"'], actions: { onEnter: { command: 'echo' } } },
          },
        ],
      }),
    );
    expect(errors).toContainEqual({
      path: 'jobEnvironments[0].variables.DIR',
      message: expect.stringMatching(
        /^\{\{ plate_dir \}\} uses plate_dir, which is not defined here/,
      ) as string,
    });
  });

  it('checks a let in an environment template', () => {
    const env = (bindings: string[]) => ({
      specificationVersion: 'environment-2023-09',
      extensions: ['EXPR'],
      environment: {
        name: 'Cache',
        script: { let: bindings, actions: { onEnter: { command: 'echo', args: ['{{ dir }}'] } } },
      },
    });
    expect(
      validateEnvironmentTemplate(env(['dir = Session.WorkingDirectory / Job.Name'])).errors,
    ).toEqual([]);
    expect(validateEnvironmentTemplate(env(['dir = Step.Name'])).errors).toContainEqual({
      path: 'environment.script.let[0]',
      message: expect.stringMatching(/Step\.Name exists only inside a step/) as string,
    });
    expect(
      validateEnvironmentTemplate({ ...env(['dir = 1']), extensions: [] }).errors,
    ).toContainEqual({
      path: 'environment.script.let',
      message: expect.stringMatching(/need the EXPR extension/) as string,
    });
  });
});

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
