import { describe, expect, it } from 'vitest';
import { validateTemplate, type Problem } from '../../src/openjd/index.js';
import { fullTemplate, minimalTemplate } from './fixtures.js';
import { matching } from './helpers/matching.js';

/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call --
   these tests edit parsed documents, which are untyped by nature, to make each bad template */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

function errorsOf(edit: (t: Doc) => void, base: () => Doc = minimalTemplate): Problem[] {
  const t = base();
  edit(t);
  return validateTemplate(t).errors;
}

function expectError(errors: Problem[], path: string, message: RegExp): void {
  expect(errors, JSON.stringify(errors, null, 1)).toContainEqual({
    path,
    message: matching(message),
  });
}

describe('validateTemplate accepts', () => {
  it('a minimal template and one that uses environments, embedded files, host requirements and combinations', () => {
    expect(validateTemplate(minimalTemplate())).toMatchObject({
      errors: [],
      template: { name: 'Test {{Param.Shot}}' },
    });
    const full = validateTemplate(fullTemplate());
    expect(full.errors).toEqual([]);
    expect(full.template?.steps[0]?.name).toBe('Work');
    expect(full.warnings.map((w) => w.path)).toEqual(['parameterDefinitions[0].userInterface']);
  });
});

describe('validateTemplate refuses, with the path of what to change', () => {
  it('a specification version other than jobtemplate-2023-09', () => {
    expect(errorsOf((t) => (t.specificationVersion = 'jobtemplate-2022-01'))).toEqual([
      {
        path: 'specificationVersion',
        message: matching(
          /"jobtemplate-2022-01" is not a revision .*set it to jobtemplate-2023-09/,
        ),
      },
    ]);
    expectError(
      errorsOf((t) => (t.specificationVersion = 'environment-2023-09')),
      'specificationVersion',
      /Environment Template/,
    );
    expectError(
      errorsOf((t) => delete t.specificationVersion),
      'specificationVersion',
      /is required/,
    );
  });

  it('a dependency cycle', () => {
    const errors = errorsOf((t) => (t.steps[0].dependencies = [{ dependsOn: 'Encode' }]));
    expectError(errors, 'steps[0].dependencies', /cycle \(Render -> Encode -> Render\)/);
  });

  it('a step that depends on itself or on a step that does not exist', () => {
    expectError(
      errorsOf((t) => (t.steps[1].dependencies = [{ dependsOn: 'Rendr' }])),
      'steps[1].dependencies[0].dependsOn',
      /no step is named "Rendr"/,
    );
    expectError(
      errorsOf((t) => (t.steps[1].dependencies = [{ dependsOn: 'Encode' }])),
      'steps[1].dependencies[0].dependsOn',
      /cannot depend on itself/,
    );
  });

  it('a bad range expression', () => {
    const errors = errorsOf(
      (t) => (t.steps[0].parameterSpace.taskParameterDefinitions[0].range = '1-10:4,10-15'),
    );
    expectError(errors, 'steps[0].parameterSpace.taskParameterDefinitions[0].range', /overlap/);
    const list = errorsOf(
      (t) => (t.steps[0].parameterSpace.taskParameterDefinitions[0].range = [1, 'two']),
    );
    expectError(
      list,
      'steps[0].parameterSpace.taskParameterDefinitions[0].range[1]',
      /must be an integer/,
    );
  });

  it('an extension that is not declared, not known, or not built', () => {
    const manifest = (t: Doc) =>
      (t.steps[1].parameterSpace = {
        taskParameterDefinitions: [
          { name: 'Tile', type: 'STRING', manifest: { lines: 'tiles.txt' } },
        ],
      });
    expectError(
      errorsOf(manifest),
      'steps[1].parameterSpace.taskParameterDefinitions[0].manifest',
      /add it to the template's extensions list/,
    );
    const declared = errorsOf((t) => {
      manifest(t);
      t.extensions = ['CLUSTER_TOOL_MANIFEST_RANGE'];
    });
    expect(declared).toEqual([]);
    const others = errorsOf((t) => (t.extensions = ['TASK_CHUNKING', 'NOT_A_THING', 'lower']));
    expect(others.filter((e) => e.path === 'extensions[0]')).toEqual([]);
    expectError(others, 'extensions[1]', /not an extension cluster-tool knows/);
    expectError(others, 'extensions[2]', /3 to 128 of A-Z/);
  });

  it('a manifest on a step without dependencies, or one that climbs out with ..', () => {
    const errors = errorsOf((t) => {
      t.extensions = ['CLUSTER_TOOL_MANIFEST_RANGE'];
      t.steps[0].parameterSpace.taskParameterDefinitions = [
        { name: 'Frame', type: 'INT', manifest: { glob: '../x/*' } },
      ];
    });
    expectError(
      errors,
      'steps[0].parameterSpace.taskParameterDefinitions[0].manifest',
      /must depend on the step that writes it/,
    );
    expectError(
      errors,
      'steps[0].parameterSpace.taskParameterDefinitions[0].manifest.glob',
      /remove "\.\."/,
    );
  });

  it('references a location does not define: task values outside a script, PATH values at submission, misspellings', () => {
    const errors = errorsOf((t) => {
      t.name = 'Job {{Param.Out}} {{Param.Shto}}';
      t.jobEnvironments = [{ name: 'E', variables: { A: '{{Task.Param.Frame}}' } }];
      t.steps[0].script.actions.onRun.args[1] = '{{Task.Param.frame}}';
      t.steps[1].script.actions.onRun.args = ['{{Env.File.x}}', '{{Task.Param.Frame}}'];
      t.steps[0].parameterSpace.taskParameterDefinitions.push({
        name: 'S',
        type: 'STRING',
        range: ['{{Session.WorkingDirectory}}'],
      });
      t.steps[0].parameterSpace.combination = 'Frame * S';
    });
    expectError(errors, 'name', /{{Param.Out}} is not defined here: .*use {{RawParam.Out}} here/);
    expectError(
      errors,
      'name',
      /{{Param.Shto}} is not defined here: did you mean {{Param.Shot}}\?/,
    );
    expectError(
      errors,
      'jobEnvironments[0].variables.A',
      /Task values exist only in a step's script/,
    );
    expectError(
      errors,
      'steps[0].script.actions.onRun.args[1]',
      /did you mean {{Task.Param.Frame}}\?/,
    );
    expectError(
      errors,
      'steps[1].script.actions.onRun.args[0]',
      /Env.File values exist only inside the environment/,
    );
    expectError(errors, 'steps[1].script.actions.onRun.args[1]', /not defined here/);
    expectError(
      errors,
      'steps[0].parameterSpace.taskParameterDefinitions[1].range[0]',
      /Session values are known only on the host/,
    );
  });

  it('properties the schema does not have, missing ones and wrong types', () => {
    const errors = errorsOf((t) => {
      t.steps[0].script.actions.onRun.extra = 1;
      t.steps[0].script.actions.onRun.timeout = 0;
      delete t.steps[1].script.actions.onRun.command;
      t.parameterDefinitions[0].type = 'DATE';
      t.stepz = [];
    });
    expectError(errors, 'steps[0].script.actions.onRun.extra', /not a property here/);
    expectError(errors, 'steps[0].script.actions.onRun.timeout', /at least 1 second/);
    expectError(errors, 'steps[1].script.actions.onRun.command', /is required/);
    expectError(errors, 'parameterDefinitions[0].type', /must be one of STRING, PATH, INT, FLOAT/);
    expectError(errors, 'stepz', /not a property here/);
  });

  it('repeated names of steps, parameters and environments, and a step environment named like a job environment', () => {
    const errors = errorsOf((t) => {
      t.steps[1].name = 'Render';
      t.parameterDefinitions[1].name = 'Shot';
      t.jobEnvironments = [
        { name: 'E', variables: { A: '1' } },
        { name: 'E', variables: { B: '1' } },
      ];
      t.steps[0].stepEnvironments = [{ name: 'E', variables: { C: '1' } }];
    });
    expectError(errors, 'steps[1].name', /"Render" is used twice/);
    expectError(errors, 'parameterDefinitions[1].name', /"Shot" is used twice/);
    expectError(errors, 'jobEnvironments[1].name', /"E" is used twice/);
    expectError(errors, 'steps[0].stepEnvironments[0].name', /also a job environment's name/);
  });

  it('combinations that miss, repeat or invent parameters, or associate ranges of different lengths', () => {
    const space = (combination: string) => (t: Doc) =>
      (t.steps[0].parameterSpace = {
        taskParameterDefinitions: [
          { name: 'A', type: 'INT', range: [1, 2, 3] },
          { name: 'B', type: 'STRING', range: ['x', 'y'] },
        ],
        combination,
      });
    const at = 'steps[0].parameterSpace.combination';
    expectError(errorsOf(space('A')), at, /B is missing/);
    expectError(errorsOf(space('A * B * A')), at, /A appears more than once/);
    expectError(errorsOf(space('A * B * C')), at, /C is not a task parameter/);
    expectError(errorsOf(space('(A, B)')), at, /different lengths \(3, 2\)/);
    expectError(errorsOf(space('A ** B')), at, /expected a task parameter name/);
  });

  it('job parameter definitions whose bounds, allowed values and defaults disagree', () => {
    const errors = errorsOf((t) => {
      t.parameterDefinitions = [
        { name: 'N', type: 'INT', minValue: 10, maxValue: 5, default: 3, allowedValues: [1, 20] },
        { name: 'S', type: 'STRING', minLength: 3, default: 'ab', allowedValues: ['abc'] },
        { name: 'F', type: 'FLOAT', default: true },
      ];
    });
    expectError(errors, 'parameterDefinitions[0].maxValue', /at least minValue \(10\)/);
    expectError(errors, 'parameterDefinitions[0].default', /less than minValue/);
    expectError(errors, 'parameterDefinitions[0].allowedValues[0]', /less than minValue/);
    expectError(errors, 'parameterDefinitions[1].default', /shorter than minLength/);
    expectError(errors, 'parameterDefinitions[2].default', /must be a number/);
  });

  it('two embedded files written to the same file name, and a filename with a directory', () => {
    const errors = errorsOf((t) => {
      t.steps[0].script.embeddedFiles = [
        { name: 'a', type: 'TEXT', data: 'x', filename: 'same.txt' },
        { name: 'b', type: 'TEXT', data: 'y', filename: 'same.txt' },
        { name: 'c', type: 'TEXT', data: 'z', filename: 'dir/c.txt' },
      ];
    });
    expectError(errors, 'steps[0].script.embeddedFiles[1].filename', /also written as "same.txt"/);
    expectError(errors, 'steps[0].script.embeddedFiles[2].filename', /without directories/);
  });

  it('host requirements with reserved or malformed capability names', () => {
    const errors = errorsOf((t) => {
      t.steps[0].hostRequirements = {
        amounts: [
          { name: 'amount.worker.cores', min: 1 },
          { name: 'gpus', max: 0 },
        ],
        attributes: [{ name: 'attr.worker.os.family', allOf: ['linux', 'windows'] }],
      };
    });
    expectError(
      errors,
      'steps[0].hostRequirements.amounts[0].name',
      /reserved for the spec's own capabilities/,
    );
    expectError(errors, 'steps[0].hostRequirements.amounts[1].name', /must look like amount/);
    expectError(errors, 'steps[0].hostRequirements.amounts[1].max', /more than zero/);
    expectError(errors, 'steps[0].hostRequirements.attributes[0].allOf', /one value per host/);
  });

  it('environment variable names that are not POSIX names, without a cascade from a parameter with other problems', () => {
    const errors = errorsOf((t) => {
      t.jobEnvironments = [{ name: 'E', variables: { '1A': 'x', 'A-B': 'y' } }];
      t.parameterDefinitions[0].userInterface = { control: 'SLIDER' };
    });
    expectError(
      errors,
      'jobEnvironments[0].variables["1A"]',
      /must be an environment variable name/,
    );
    expectError(
      errors,
      'jobEnvironments[0].variables["A-B"]',
      /must be an environment variable name/,
    );
    expectError(
      errors,
      'parameterDefinitions[0].userInterface.control',
      /must be one of LINE_EDIT/,
    );
    expect(errors.map((e) => e.path)).not.toContain('name');
  });

  it('collects the problems of every step, not just the first', () => {
    const errors = errorsOf((t) => {
      t.steps[0].script.actions.onRun.timeout = -1;
      t.steps[0].parameterSpace.taskParameterDefinitions[0].range = '5-1:1,3';
      t.steps[1].script.actions.onRun.args = [];
      t.steps[1].dependencies = [{ dependsOn: 'Nope' }];
    });
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining([
        'steps[0].script.actions.onRun.timeout',
        'steps[0].parameterSpace.taskParameterDefinitions[0].range',
        'steps[1].script.actions.onRun.args',
        'steps[1].dependencies[0].dependsOn',
      ]),
    );
  });
});
