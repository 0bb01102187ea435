import { describe, expect, it } from 'vitest';
import {
  OpenjdInstantiationError,
  expandStep,
  resolveJobParameters,
  validateTemplate,
  type JobTemplate,
  type ManifestRequest,
} from '../../src/openjd/index.js';
import { fullTemplate, minimalTemplate } from './fixtures.js';
import { matching } from './helpers/matching.js';

function valid(doc: Record<string, unknown>): JobTemplate {
  const r = validateTemplate(doc);
  expect(r.errors).toEqual([]);
  return r.template as JobTemplate;
}

const values = (t: JobTemplate, given: Record<string, unknown> = {}) =>
  resolveJobParameters(t, given).values;
const short = (tasks: { params: Record<string, { value: string }> }[]) =>
  tasks.map((t) =>
    Object.values(t.params)
      .map((p) => p.value)
      .join(' '),
  );

function dynamicTemplate(type = 'STRING'): JobTemplate {
  const doc = minimalTemplate();
  doc.extensions = ['CLUSTER_TOOL_MANIFEST_RANGE'];
  const steps = doc.steps as Record<string, unknown>[];
  (steps[1] as Record<string, unknown>).parameterSpace = {
    taskParameterDefinitions: [
      { name: 'Tile', type, manifest: { lines: '{{RawParam.Shot}}/tiles.txt' } },
      { name: 'Pass', type: 'STRING', range: ['a', 'b'] },
    ],
  };
  return valid(doc);
}

describe('expandStep', () => {
  it('expands a range expression taken from a job parameter', () => {
    const t = valid(minimalTemplate());
    expect(short(expandStep(t, 'Render', values(t, { Frames: '1-10:3' })))).toEqual([
      '1',
      '4',
      '7',
      '10',
    ]);
    expect(expandStep(t, 'Encode', values(t))).toEqual([{ index: 0, params: {} }]);
  });

  it('orders tasks by the combination: associations element by element, products row-major', () => {
    const t = valid(fullTemplate());
    const tasks = expandStep(t, 'Work', values(t));
    expect(short(tasks)).toEqual([
      '1 left 0.5',
      '1 left 1.25',
      '2 right 0.5',
      '2 right 1.25',
      '3 both 0.5',
      '3 both 1.25',
    ]);
    expect(tasks[0]?.params.F).toEqual({ type: 'FLOAT', value: '0.5' });
  });

  it('refuses a range that a job parameter value makes invalid, with its path', () => {
    const t = valid(minimalTemplate());
    expect(() => expandStep(t, 'Render', values(t, { Frames: '1-5,3' }))).toThrow(
      OpenjdInstantiationError,
    );
    let problems: unknown;
    try {
      expandStep(t, 'Render', values(t, { Frames: 'all' }));
    } catch (e) {
      problems = (e as OpenjdInstantiationError).problems;
    }
    expect(problems).toEqual([
      {
        path: 'steps[0].parameterSpace.taskParameterDefinitions[0].range',
        message: matching(/resolves to "all": "all" is not an element/),
      },
    ]);
  });

  it('reads manifest parameters through the callback when the step becomes ready', () => {
    const t = dynamicTemplate();
    const asked: ManifestRequest[] = [];
    const tasks = expandStep(t, 'Encode', values(t), (req) => {
      asked.push(req);
      return ['t1', 't2 with "quotes"; and $(shell)'];
    });
    expect(asked).toEqual([
      { step: 'Encode', parameter: 'Tile', kind: 'lines', path: 'sh010/tiles.txt' },
    ]);
    expect(short(tasks)).toEqual([
      't1 a',
      't1 b',
      't2 with "quotes"; and $(shell) a',
      't2 with "quotes"; and $(shell) b',
    ]);
  });

  it('refuses a manifest step expanded without a reader, an empty manifest and values of the wrong type', () => {
    const t = dynamicTemplate('INT');
    expect(() => expandStep(t, 'Encode', values(t))).toThrow(/give a manifest reader/);
    expect(() => expandStep(t, 'Encode', values(t), () => [])).toThrow(/gave no values/);
    expect(() => expandStep(t, 'Encode', values(t), () => ['1', 'x'])).toThrow(
      /value 2 of "sh010\/tiles.txt": it is not an integer/,
    );
  });

  it('refuses a step name the template does not have', () => {
    const t = valid(minimalTemplate());
    expect(() => expandStep(t, 'Nope', values(t))).toThrow(/no step is named "Nope"/);
  });
});
