import { describe, expect, it } from 'vitest';
import { resolveFormatString } from '../../src/openjd/format-string.js';
import {
  environmentActions,
  instantiateTask,
  resolveJobParameters,
  validateTemplate,
  type JobTemplate,
} from '../../src/openjd/index.js';

const scope: Record<string, { type: string; value: string }> = {
  'Param.Plate': { type: 'PATH', value: '/studio/plates/sh020/plate.1001.dpx' },
  'Param.Out': { type: 'PATH', value: '/studio/out//comp/' },
  'RawParam.Plate': { type: 'STRING', value: '/studio/plates/sh020/plate.1001.dpx' },
};
const ev = (s: string) => resolveFormatString(`{{ ${s} }}`, (n) => scope[n]);
const text = (s: string) => (ev(s) as { value: string }).value;

describe('EXPR paths', () => {
  it('makes paths as pathlib does, and joins them with / and extends them with +', () => {
    expect(text('path("studio//./plates/")')).toBe('studio/plates');
    expect(text('path("///studio")')).toBe('/studio');
    expect(text('path("//server/share")')).toBe('//server/share');
    expect(text('path("")')).toBe('.');
    expect(text('path("a/../b")')).toBe('a/../b');
    expect(text('path(["/studio", "plates", "sh020"])')).toBe('/studio/plates/sh020');
    expect(text('Param.Out / "v002" / "grade.exr"')).toBe('/studio/out/comp/v002/grade.exr');
    expect(text('Param.Out / path("/elsewhere/x")')).toBe('/elsewhere/x');
    expect(text('(Param.Out / "grade") + ".exr"')).toBe('/studio/out/comp/grade.exr');
  });

  it('reads the properties of a path', () => {
    expect(text('Param.Plate.name')).toBe('plate.1001.dpx');
    expect(text('Param.Plate.stem')).toBe('plate.1001');
    expect(text('Param.Plate.suffix')).toBe('.dpx');
    expect(text('Param.Plate.suffixes')).toBe('[".1001", ".dpx"]');
    expect(text('Param.Plate.parent.parent')).toBe('/studio/plates');
    expect(text('Param.Plate.parts[1:3]')).toBe('["studio", "plates"]');
    expect(text('path("/").parts')).toBe('["/"]');
    expect(text('path("/").parent')).toBe('/');
    expect(text('path("notes").parent')).toBe('.');
    expect(text('path(".bashrc").suffix')).toBe('');
  });

  it('changes the name, stem, suffix and frame number of a path', () => {
    expect(text('Param.Plate.with_name("ref.jpg")')).toBe('/studio/plates/sh020/ref.jpg');
    expect(text('Param.Plate.with_stem("clean")')).toBe('/studio/plates/sh020/clean.dpx');
    expect(text('Param.Plate.with_suffix(".exr")')).toBe('/studio/plates/sh020/plate.1001.exr');
    expect(text('Param.Plate.with_suffix("")')).toBe('/studio/plates/sh020/plate.1001');
    expect(text('Param.Plate.with_number(7)')).toBe('/studio/plates/sh020/plate.0007.dpx');
    expect(text('path("/r/sh01_####.exr").with_number(12)')).toBe('/r/sh01_0012.exr');
    expect(text('path("/r/sh01_%03d.exr").with_number(5)')).toBe('/r/sh01_005.exr');
    expect(text('path("/r/sh01_%d.exr").with_number(12345)')).toBe('/r/sh01_12345.exr');
    expect(text('path("/r/beauty.exr").with_number(3)')).toBe('/r/beauty_0003.exr');
    expect(text('path("/r/f_01.exr").with_number(-2)')).toBe('/r/f_-2.exr');
    expect(text('"f_##.png".with_number(4)')).toBe('f_04.png');
    expect(ev('path("/").with_name("x")')).toMatchObject({
      error: expect.stringMatching(/has an empty name/) as string,
    });
    expect(ev('Param.Plate.with_suffix("exr")')).toMatchObject({
      error: expect.stringMatching(/Invalid suffix 'exr'/) as string,
    });
    expect(ev('Param.Plate.with_name("a/b")')).toMatchObject({
      error: expect.stringMatching(/Invalid name 'a\/b'/) as string,
    });
  });

  it('says whether a path is absolute or under another, and what is left of it', () => {
    expect(text('path("plates").is_absolute()')).toBe('false');
    expect(text('path("gs://b/k").is_absolute()')).toBe('true');
    expect(text('Param.Plate.is_relative_to(path("/studio/plates"))')).toBe('true');
    expect(text('Param.Plate.is_relative_to(path("/studio/pl"))')).toBe('false');
    expect(text('Param.Plate.relative_to(path("/studio"))')).toBe('plates/sh020/plate.1001.dpx');
    expect(text('Param.Out.relative_to(Param.Out)')).toBe('.');
    expect(ev('Param.Plate.relative_to(path("/other"))')).toMatchObject({
      error: expect.stringMatching(/is not relative to '\/other'/) as string,
    });
  });

  it('keeps a URI as given: its authority a root, its empty segments', () => {
    expect(text('path("gs://b/shots//a/./x.exr")')).toBe('gs://b/shots//a/./x.exr');
    expect(text('path("gs://b/shots/") / "x.exr"')).toBe('gs://b/shots/x.exr');
    expect(text('path("gs://b").parts')).toBe('["gs://b"]');
    expect(text('path("gs://b/a//c").parts')).toBe('["gs://b", "a", "", "c"]');
    expect(text('path("gs://b/a/c").parent.parent.parent')).toBe('gs://b');
    expect(text('path(["gs://b", "", "k"])')).toBe('gs://b//k');
    expect(text('path("gs://b/a/c.tar.gz").with_stem("d")')).toBe('gs://b/a/d.gz');
    expect(text('path("gs://b/a/c").relative_to(path("gs://b"))')).toBe('a/c');
    expect(text('path("gs://b2/a").is_relative_to(path("gs://b"))')).toBe('false');
    expect(ev('path("gs://b").with_suffix(".png")')).toMatchObject({
      error: expect.stringMatching(/has an empty name/) as string,
    });
  });

  it('applies path mapping on the host only (no rules here: the path as given)', () => {
    expect(text('apply_path_mapping(RawParam.Plate).parent.name')).toBe('sh020');
    const doc = (name: string, arg: string) => ({
      specificationVersion: 'jobtemplate-2023-09',
      extensions: ['EXPR'],
      name,
      parameterDefinitions: [{ name: 'Plate', type: 'PATH', default: '/studio/p.dpx' }],
      steps: [{ name: 'S', script: { actions: { onRun: { command: 'ls', args: [arg] } } } }],
    });
    expect(validateTemplate(doc('J', '{{ apply_path_mapping(RawParam.Plate) }}')).errors).toEqual(
      [],
    );
    expect(validateTemplate(doc('{{ apply_path_mapping("/a").name }}', 'x')).errors).toEqual([
      {
        path: 'name',
        message:
          '{{ apply_path_mapping("/a").name }} uses `apply_path_mapping`, which only a host evaluates: call it in a step\'s script or an environment, not here',
      },
    ]);
  });
});

/** A step whose args and embedded file exercise whole-arg values and file paths. */
const flags = (args: string[]): JobTemplate => {
  const v = validateTemplate({
    specificationVersion: 'jobtemplate-2023-09',
    extensions: ['EXPR'],
    name: 'J',
    parameterDefinitions: [{ name: 'Fast', type: 'BOOL', default: false }],
    jobEnvironments: [
      {
        name: 'E',
        script: {
          embeddedFiles: [{ name: 'Lut', type: 'TEXT', filename: 'show.cube', data: 'x' }],
          actions: { onEnter: { command: 'load', args: ['{{ Env.File.Lut.stem }}'] } },
        },
      },
    ],
    steps: [
      {
        name: 'S',
        let: ['extra = ["--tile", "64"]'],
        script: {
          embeddedFiles: [{ name: 'Cfg', type: 'TEXT', filename: 'grade.json', data: '{}' }],
          actions: { onRun: { command: 'render', args } },
        },
      },
    ],
  });
  expect(v.errors).toEqual([]);
  return v.template as JobTemplate;
};

describe('EXPR format strings in args', () => {
  const run = (args: string[]) => {
    const t = flags(args);
    return instantiateTask(t, 'S', {}, resolveJobParameters(t, {}).values, '/s').argv.slice(1);
  };

  it('gives a whole-arg list one arg per item and a whole-arg null none', () => {
    expect(run(['a', '{{ ["-x", "1", "2.5"] }}', '{{ extra }}', '{{ [] }}', 'z'])).toEqual([
      'a',
      '-x',
      '1',
      '2.5',
      '--tile',
      '64',
      'z',
    ]);
    expect(run(['{{ "--fast" if Param.Fast else null }}', '{{ null }}', 'in.exr'])).toEqual([
      'in.exr',
    ]);
  });

  it('writes a list or null inside other text as text', () => {
    expect(run(['n={{ [1, 2] }}', 'v={{ null }}.', '{{ extra }}!'])).toEqual([
      'n=[1, 2]',
      'v=.',
      '["--tile", "64"]!',
    ]);
  });

  it('refuses a list holding null', () => {
    const bad = validateTemplate({
      specificationVersion: 'jobtemplate-2023-09',
      extensions: ['EXPR'],
      name: 'J',
      steps: [
        { name: 'S', script: { actions: { onRun: { command: 'x', args: ['{{ [1, null] }}'] } } } },
      ],
    });
    expect(bad.errors[0]?.message).toMatch(/a list holding null/);
    // its value is known only when the task runs; its type says it may hold null, so it is refused now
    const late = validateTemplate({
      specificationVersion: 'jobtemplate-2023-09',
      extensions: ['EXPR'],
      name: 'J',
      parameterDefinitions: [{ name: 'Fast', type: 'BOOL', default: false }],
      steps: [
        {
          name: 'S',
          script: {
            actions: {
              onRun: { command: 'x', args: ['{{ ["-x", null if Param.Fast else null] }}'] },
            },
          },
        },
      ],
    });
    expect(late.errors.map((e) => e.path)).toEqual(['steps[0].script.actions.onRun.args[0]']);
    expect(late.errors[0]?.message).toMatch(/null/);
  });

  it('makes embedded files paths: their properties read directly', () => {
    expect(
      run([
        '{{ Task.File.Cfg.name }}',
        '{{ Task.File.Cfg.parent.name }}',
        '{{ Task.File.Cfg / "x" }}',
      ]),
    ).toEqual(['grade.json', 'task', '/s/embedded/task/grade.json/x']);
    const t = flags(['x']);
    const envs = environmentActions(t, 'S', resolveJobParameters(t, {}).values, '/s');
    expect(envs[0]?.onEnter?.argv).toEqual(['load', 'show']);
  });
});
