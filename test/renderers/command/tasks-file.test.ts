import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { runCommandTask } from '../../../src/renderers/command/run-task.js';
import { parseCommandTasks } from '../../../src/renderers/command/tasks-file.js';

const HOSTILE = [
  '$(touch /tmp/ct-pwned)',
  '`id`',
  `it's "quoted"`,
  'a; rm -rf /',
  '*.txt',
  '{other}',
  '\\n\\t',
  '~',
  '-rf',
];
// prints its arguments as JSON, so the test sees exactly what arrived
const ECHO = ['python3', '-c', 'import json, sys; print(json.dumps(sys.argv[1:]))'];

describe('parseCommandTasks', () => {
  it('substitutes fields into a --command template, one line per task', () => {
    const tasks = parseCommandTasks(
      '{"id": "a", "in": "x.exr", "n": 3}\n\n{"in": "y.exr", "n": 4, "ok": true}\n',
      {
        command: ['convert', '{in}', '--frames={n}'],
      },
    );
    expect(tasks.map((t) => [t.id, t.line, t.argv])).toEqual([
      ['a', 1, ['convert', 'x.exr', '--frames=3']],
      ['line-3', 3, ['convert', 'y.exr', '--frames=4']],
    ]);
    expect(parseCommandTasks('{"v": true}', { command: ['p', '{{v}}={v}'] })[0]?.argv).toEqual([
      'p',
      '{v}=true',
    ]);
  });

  it('lets a line bring its own argv', () => {
    const [t] = parseCommandTasks('{"argv": ["tool", "--name", "{name}"], "name": "n1"}', {
      command: ['other'],
    });
    expect(t?.argv).toEqual(['tool', '--name', 'n1']);
    expect(t?.fields).toEqual({ name: 'n1' });
  });

  it('gives clear errors with line numbers', () => {
    const err = (text: string, command?: string[]): string => {
      try {
        parseCommandTasks(text, { command });
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err('{"a": 1}\n{oops}', ['p'])).toMatch(/^tasks\.jsonl:2: not JSON/);
    expect(err('[1, 2]', ['p'])).toMatch(/^tasks\.jsonl:1: each line must be a JSON object/);
    expect(err('{"a": 1}')).toBe('tasks.jsonl:1: no argv on this line and no --command given');
    expect(err('{"a": 1}', ['p', '{b}'])).toBe(
      'tasks.jsonl:1: argv[1]: cannot substitute {b}: it is not a field of this line; fields are strings, numbers or booleans',
    );
    expect(err('{"a": {"x": 1}}', ['p', '{a}'])).toMatch(/cannot substitute \{a\}: it is object/);
    expect(err('{"argv": "ls -l"}')).toMatch(
      /^tasks\.jsonl:1: argv: argv must be a non-empty list of strings/,
    );
    expect(err('{"id": 1}\n{"id": "1"}', ['p'])).toBe(
      'tasks.jsonl:2: id "1" is already used on line 1',
    );
    expect(err('{"a": 1}', ['p', '{a'])).toMatch(/unmatched \{/);
    expect(err('\n\n')).toBe('tasks.jsonl: no tasks (it has no non-blank lines)');
  });
});

describe('runCommandTask', () => {
  it('runs hostile field values as literal arguments, never through a shell', async () => {
    const lines = HOSTILE.map((v, i) =>
      JSON.stringify({ id: `t${i}`, value: v, other: 'SHOULD-NOT-APPEAR' }),
    ).join('\n');
    const tasks = parseCommandTasks(lines, { command: [...ECHO, '{value}', 'pre-{value}-post'] });
    for (const [i, task] of tasks.entries()) {
      const out = await runCommandTask(task);
      const value = HOSTILE[i] ?? '';
      expect(JSON.parse(out.stdout)).toEqual([value, `pre-${value}-post`]);
    }
    await expect(import('node:fs').then((fs) => fs.existsSync('/tmp/ct-pwned'))).resolves.toBe(
      false,
    );
  });
});
