import { describe, expect, it } from 'vitest';
import { validateEnvironmentTemplate } from '../../src/openjd/environment-template.js';
import { validateTemplate } from '../../src/openjd/index.js';
import { comp } from './expr-let-template.js';

const errorsOf = (doc: unknown) => validateTemplate(doc).errors;

describe('let bindings at check/submit', () => {
  it('accepts bindings on a step, its script, environments and a simple action', () => {
    expect(errorsOf(comp())).toEqual([]);
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
