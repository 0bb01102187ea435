import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  environmentActions,
  expandStep,
  instantiateTask,
  resolveJobParameters,
  validateTemplate,
  type JobTemplate,
} from '../../src/openjd/index.js';
import { readPathMappingFile } from '../../src/openjd/path-mapping-file.js';
import {
  mapPath,
  parsePathMappingRules,
  type PathMappingRule,
} from '../../src/openjd/path-mapping.js';

const posix = (source: string, dest: string): PathMappingRule => ({
  source_path_format: 'POSIX',
  source_path: source,
  destination_path: dest,
});
const windows = (source: string, dest: string): PathMappingRule => ({
  source_path_format: 'WINDOWS',
  source_path: source,
  destination_path: dest,
});

describe('mapPath', () => {
  it('maps a POSIX prefix at a path boundary only', () => {
    const rules = [posix('/mnt/shared', '/fsx/shared')];
    expect(mapPath('/mnt/shared/a/b.exr', rules)).toBe('/fsx/shared/a/b.exr');
    expect(mapPath('/mnt/shared', rules)).toBe('/fsx/shared');
    expect(mapPath('/mnt/shared/', rules)).toBe('/fsx/shared/');
    expect(mapPath('/mnt/sharedx/a', rules)).toBe('/mnt/sharedx/a');
    expect(mapPath('/MNT/shared/a', rules)).toBe('/MNT/shared/a');
    expect(mapPath('relative/a', rules)).toBe('relative/a');
  });

  it('tries the longest source path first, and stops at the first that matches', () => {
    const rules = [posix('/proj', '/a'), posix('/proj/shots', '/b'), posix('/proj/shots/', '/c')];
    expect(mapPath('/proj/shots/x', rules)).toBe('/c/x');
    expect(mapPath('/proj/other', rules)).toBe('/a/other');
  });

  it('maps a Windows path whatever its case and separators, to POSIX separators', () => {
    const rules = [windows('Z:\\Projects', '/fsx/projects')];
    expect(mapPath('z:\\projects\\sh010\\a.exr', rules)).toBe('/fsx/projects/sh010/a.exr');
    expect(mapPath('Z:/Projects/sh010/a.exr', rules)).toBe('/fsx/projects/sh010/a.exr');
    expect(mapPath('Z:\\ProjectsOld\\a', rules)).toBe('Z:\\ProjectsOld\\a');
  });
});

describe('parsePathMappingRules', () => {
  it('takes the rules-file format and a list of rules alike', () => {
    const rule = posix('/a', '/b');
    expect(
      parsePathMappingRules({ version: 'pathmapping-1.0', path_mapping_rules: [rule] }),
    ).toEqual({ rules: [rule] });
    expect(parsePathMappingRules([rule])).toEqual({ rules: [rule] });
  });

  it('says what to change in a bad file', () => {
    expect(parsePathMappingRules({ version: '2', path_mapping_rules: [] })).toEqual({
      error: 'version: give "pathmapping-1.0" (the path-mapping rules format)',
    });
    expect(parsePathMappingRules([{ ...posix('/a', 'b') }])).toEqual({
      error: 'rule 1: destination_path: give an absolute path on these Linux hosts',
    });
    const mac = parsePathMappingRules([
      posix('/a', '/b'),
      { ...posix('/a', '/b'), source_path_format: 'MAC' },
    ]);
    expect('error' in mac && mac.error).toMatch(/^rule 2: source_path_format is POSIX or WINDOWS/);
  });

  it('names the file, not its text, when the file is missing or not JSON/YAML', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-pm-'));
    const bad = path.join(dir, 'rules.json');
    writeFileSync(bad, '{ "secret-text": [');
    const r = readPathMappingFile(bad);
    expect(r.errors[0]?.path).toBe(bad);
    expect(r.errors[0]?.message).not.toMatch(/secret-text/);
    expect(readPathMappingFile(path.join(dir, 'none.json')).errors[0]?.message).toMatch(
      /is not a file/,
    );
  });
});

function template(extra: object = {}): JobTemplate {
  const doc = {
    specificationVersion: 'jobtemplate-2023-09',
    name: 'Mapped',
    ...extra,
    parameterDefinitions: [{ name: 'Scene', type: 'PATH' }],
    jobEnvironments: [{ name: 'Env', variables: { SCENE: '{{Param.Scene}}' } }],
    steps: [
      {
        name: 'Render',
        parameterSpace: {
          taskParameterDefinitions: [{ name: 'Shot', type: 'PATH', range: ['/mnt/shared/sh010'] }],
        },
        script: {
          actions: {
            onRun: {
              command: 'render',
              args: [
                '{{Param.Scene}}',
                '{{RawParam.Scene}}',
                '{{Task.Param.Shot}}',
                '{{Task.RawParam.Shot}}',
                '{{Session.HasPathMappingRules}}',
              ],
            },
          },
        },
      },
    ],
  };
  const v = validateTemplate(doc);
  expect(v.errors).toEqual([]);
  return v.template as JobTemplate;
}

describe('a session with path-mapping rules', () => {
  const rules = [posix('/mnt/shared', '/fsx/shared')];

  it('maps Param and Task.Param of PATH values, keeps RawParam as given, and says it has rules', () => {
    const t = template();
    const values = resolveJobParameters(t, { Scene: '/mnt/shared/shot.blend' }).values;
    const [task] = expandStep(t, 'Render', values);
    const cmd = instantiateTask(t, 'Render', task!.params, values, '/s', rules);
    expect(cmd.argv).toEqual([
      'render',
      '/fsx/shared/shot.blend',
      '/mnt/shared/shot.blend',
      '/fsx/shared/sh010',
      '/mnt/shared/sh010',
      'true',
    ]);
    expect(cmd.env).toEqual({ SCENE: '/fsx/shared/shot.blend' });
    const file = cmd.files.find((f) => f.path === '/s/path-mapping.json');
    expect(JSON.parse(file!.content)).toEqual({
      version: 'pathmapping-1.0',
      path_mapping_rules: rules,
    });
    expect(environmentActions(t, 'Render', values, '/s', rules)[0]?.variables).toEqual({
      SCENE: '/fsx/shared/shot.blend',
    });
  });

  it('without rules, leaves every value as given and the rules file empty', () => {
    const t = template();
    const values = resolveJobParameters(t, { Scene: '/mnt/shared/shot.blend' }).values;
    const [task] = expandStep(t, 'Render', values);
    const cmd = instantiateTask(t, 'Render', task!.params, values, '/s');
    expect(cmd.argv.slice(1)).toEqual([
      '/mnt/shared/shot.blend',
      '/mnt/shared/shot.blend',
      '/mnt/shared/sh010',
      '/mnt/shared/sh010',
      'false',
    ]);
    expect(cmd.files.find((f) => f.path === '/s/path-mapping.json')?.content).toBe('{}\n');
  });

  it('applies them in apply_path_mapping (EXPR)', () => {
    const t = validateTemplate({
      specificationVersion: 'jobtemplate-2023-09',
      extensions: ['EXPR'],
      name: 'Mapped',
      steps: [
        {
          name: 'Render',
          script: {
            actions: {
              onRun: {
                command: 'render',
                args: ["{{ apply_path_mapping('/mnt/shared/a/b.exr') }}"],
              },
            },
          },
        },
      ],
    }).template as JobTemplate;
    const [task] = expandStep(t, 'Render', {});
    expect(instantiateTask(t, 'Render', task!.params, {}, '/s', rules).argv).toEqual([
      'render',
      '/fsx/shared/a/b.exr',
    ]);
    expect(instantiateTask(t, 'Render', task!.params, {}, '/s').argv).toEqual([
      'render',
      '/mnt/shared/a/b.exr',
    ]);
  });
});
