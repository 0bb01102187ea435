import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../src/openjd/index.js';
import { parseYamlTemplate } from '../../src/openjd/document-numbers.js';

/**
 * A key written twice in one mapping: Deadline Cloud's CLI (PyYAML) keeps the later value, and
 * published job bundles rely on it, so a template here reads the same way, with a warning.
 */

const TEMPLATE = `specificationVersion: jobtemplate-2023-09
name: twice
parameterDefinitions:
- name: Mode
  type: STRING
  default: fast
  type: STRING
steps:
- name: Echo
  script:
    actions:
      onRun:
        command: echo
        args: ['{{Param.Mode}}']
`;

function write(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ct-dupkey-')), 'template.yaml');
  writeFileSync(file, text);
  return file;
}

describe('a YAML key written twice', () => {
  it('is read with its later value, and each repeat is reported with both lines', () => {
    const seen: unknown[] = [];
    const doc = parseYamlTemplate('a: 1\nb:\n  x: one\n  y: 2\n  x: two\n', (d) => seen.push(d));
    expect(doc).toEqual({ a: 1, b: { x: 'two', y: 2 } });
    expect(seen).toEqual([{ key: 'x', firstLine: 3, line: 5 }]);
  });

  it('leaves a template valid, with a warning that names the key, both lines and what to change', () => {
    const loaded = loadTemplate(write(TEMPLATE));
    expect(loaded.errors).toEqual([]);
    expect(loaded.template?.parameterDefinitions?.[0]).toMatchObject({
      name: 'Mode',
      type: 'STRING',
    });
    expect(loaded.warnings[0]).toEqual({
      path: 'template.yaml',
      message:
        'key "type" is written twice in one mapping (lines 5 and 7): the later value is used, ' +
        'as Deadline Cloud reads it; remove one of them',
    });
  });

  it('takes the later value when the two differ', () => {
    const loaded = loadTemplate(
      write(TEMPLATE.replace('  type: STRING\nsteps', '  type: INT\nsteps')),
    );
    // the later `type: INT` with the default `fast` is what the template says, and is refused
    expect(loaded.errors.map((e) => e.path)).toContain('parameterDefinitions[0].default');
  });

  it('is still an error for YAML that is broken in other ways', () => {
    const loaded = loadTemplate(write('name: [unclosed\n'));
    expect(loaded.errors[0]?.message).toMatch(/^is not valid YAML/);
  });
});
