import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { UsageError } from '../../src/errors.js';
import {
  expandStep,
  instantiateTask,
  loadTemplate,
  resolveJobParameters,
} from '../../src/openjd/index.js';
import { minimalTemplate } from './fixtures.js';
import { matching } from './helpers/matching.js';

function bundle(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ct-ojd-bundle-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('loadTemplate', () => {
  it('reads a job bundle: the template and its parameter values, leaving deadline:* settings out with a warning', () => {
    const dir = bundle({
      'template.yaml': stringify(minimalTemplate()),
      'parameter_values.yaml': stringify({
        parameterValues: [
          { name: 'Shot', value: 'sh020' },
          { name: 'deadline:priority', value: 50 },
        ],
      }),
      'asset_references.yaml': 'assetReferences: {}\n',
    });
    const loaded = loadTemplate(dir);
    expect(loaded.errors).toEqual([]);
    expect(loaded).toMatchObject({
      bundleDir: dir,
      templatePath: path.join(dir, 'template.yaml'),
      parameterValues: { Shot: 'sh020' },
    });
    expect(loaded.warnings.map((w) => w.path)).toEqual(
      expect.arrayContaining(['parameter_values.yaml: deadline:priority', 'asset_references.yaml']),
    );
  });

  it('reads JSON templates and parameter values too', () => {
    const dir = bundle({
      'template.json': JSON.stringify(minimalTemplate()),
      'parameter_values.json': JSON.stringify({
        parameterValues: [{ name: 'Frames', value: '1-2' }],
      }),
    });
    expect(loadTemplate(dir)).toMatchObject({ errors: [], parameterValues: { Frames: '1-2' } });
    expect(loadTemplate(path.join(dir, 'template.json')).errors).toEqual([]);
  });

  it('reports a syntax error by line without echoing the file', () => {
    const dir = bundle({ 'template.yaml': 'name: [unclosed\nsecret: hunter2\n' });
    const { errors } = loadTemplate(dir);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('template.yaml');
    expect(errors[0]?.message).toMatch(/is not valid YAML \(.*\) at line \d+, column \d+/);
    expect(errors[0]?.message).not.toMatch(/hunter2/);
    const json = loadTemplate(bundle({ 'template.json': '{"name": hunter2}' })).errors;
    expect(json).toEqual([{ path: 'template.json', message: matching(/^is not valid JSON/) }]);
    expect(json[0]?.message).not.toMatch(/hunter2/);
  });

  it('refuses a bundle with both template.yaml and template.json, and bad parameter values files', () => {
    const both = bundle({ 'template.yaml': stringify(minimalTemplate()), 'template.json': '{}' });
    expect(loadTemplate(both).errors[0]?.message).toMatch(
      /template.yaml and template.json are both present/,
    );
    const badValues = bundle({
      'template.yaml': stringify(minimalTemplate()),
      'parameter_values.yaml': 'parameterValues: [{value: 1}]\n',
    });
    const r = loadTemplate(badValues);
    expect(r.template).toBeUndefined();
    expect(r.errors).toEqual([
      { path: 'parameter_values.yaml: parameterValues[0].name', message: 'is required: add it' },
    ]);
  });

  it('throws a usage error for a path that does not exist or a directory that is not a bundle', () => {
    expect(() => loadTemplate('/no/such/template.yaml')).toThrow(UsageError);
    expect(() => loadTemplate(bundle({ 'other.txt': '' }))).toThrow(/not a job bundle/);
  });
});

describe('loadTemplate: OpenJD INT is int64', () => {
  const doc = (value: string) =>
    [
      'specificationVersion: jobtemplate-2023-09',
      'name: Big',
      'parameterDefinitions:',
      `- { name: N, type: INT, default: ${value}, minValue: -9223372036854775808 }`,
      'steps:',
      '- name: S',
      '  parameterSpace:',
      `    taskParameterDefinitions: [{ name: T, type: INT, range: [1, ${value}] }]`,
      "  script: { actions: { onRun: { command: echo, args: ['{{Param.N}}', '{{Task.Param.T}}'] } } }",
    ].join('\n');

  it('keeps integers beyond 2^53 exactly, from YAML and from JSON, and the template stays plain JSON', () => {
    const yamlDir = bundle({ 'template.yaml': doc('9223372036854775807') });
    const jsonDir = bundle({
      'template.json':
        '{"specificationVersion":"jobtemplate-2023-09","name":"Big","parameterDefinitions":[{"name":"N","type":"INT","default":9223372036854775807}],"steps":[{"name":"S","script":{"actions":{"onRun":{"command":"echo"}}}}]}',
    });
    for (const dir of [yamlDir, jsonDir]) {
      const loaded = loadTemplate(dir);
      expect(loaded.errors).toEqual([]);
      expect(loaded.template?.parameterDefinitions?.[0]).toMatchObject({
        default: '9223372036854775807',
      });
      expect(() => JSON.stringify(loaded.template)).not.toThrow();
    }
  });

  it('refuses one past int64, as a number and as a string', () => {
    for (const v of ['9223372036854775808', '"9223372036854775808"', '-9223372036854775809'])
      expect(loadTemplate(bundle({ 'template.yaml': doc(v) })).errors).toContainEqual({
        path: 'parameterDefinitions[0].default',
        message: matching(/64-bit integer/),
      });
  });
});

describe('loadTemplate: FLOAT values as written', () => {
  const yaml = [
    'specificationVersion: jobtemplate-2023-09',
    'name: T',
    'parameterDefinitions:',
    '- { name: G, type: FLOAT, default: 2.50, minValue: 0.0 }',
    'steps:',
    '- name: S',
    '  parameterSpace:',
    '    taskParameterDefinitions:',
    '    - { name: Scale, type: FLOAT, range: [0.5, 1.0, 1.5] }',
    '  hostRequirements: { amounts: [{ name: amount.worker.vcpu, min: 1.0 }] }',
    "  script: { actions: { onRun: { command: echo, args: ['{{Task.Param.Scale}} {{Param.G}}'] } } }",
  ].join('\n');

  it('gives format strings a FLOAT as it was written in YAML or JSON (1.0, not 1), numbers elsewhere', () => {
    const json = JSON.stringify(parse(yaml)).replace(
      '"range":[0.5,1,1.5]',
      '"range":[0.5,1.0,1.5]',
    );
    const both: Record<string, string>[] = [{ 'template.yaml': yaml }, { 'template.json': json }];
    for (const files of both) {
      const loaded = loadTemplate(bundle(files));
      expect(loaded.errors).toEqual([]);
      const t = loaded.template!;
      expect(t.steps[0]?.hostRequirements?.amounts?.[0]?.min).toBe(1);
      const values = resolveJobParameters(t, {}).values;
      const argv = expandStep(t, 'S', values).map(
        (task) => instantiateTask(t, 'S', task.params, values, '/s').argv[1],
      );
      expect(argv).toEqual(
        files['template.yaml']
          ? ['0.5 2.50', '1.0 2.50', '1.5 2.50']
          : ['0.5 2.5', '1.0 2.5', '1.5 2.5'],
      );
    }
  });
});
