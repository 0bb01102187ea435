import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import yargs from 'yargs';
import { stringify } from 'yaml';
import { openjdCommand } from '../../src/cli/commands/openjd.js';
import { CliError, UsageError } from '../../src/errors.js';
import { minimalTemplate } from './fixtures.js';

/** `openjd check --env`: the template with its environment templates, as submit plans it. */

const dir = mkdtempSync(path.join(tmpdir(), 'ct-ojd-check-env-'));
const put = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};

async function check(args: string[]): Promise<{ out: string; error?: CliError }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  let error: CliError | undefined;
  try {
    await yargs(['openjd', 'check', ...args])
      .command(openjdCommand)
      .strict()
      .exitProcess(false)
      .fail((msg, e) => {
        throw e ?? new UsageError(msg);
      })
      .parseAsync();
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    error = e;
  } finally {
    vi.restoreAllMocks();
  }
  return { out, error };
}

afterEach(() => vi.restoreAllMocks());

const envTemplate = (name: string, params: unknown[]) =>
  stringify({
    specificationVersion: 'environment-2023-09',
    parameterDefinitions: params,
    environment: { name, variables: { A: '{{Param.Greeting}}' } },
  });

describe('openjd check --env', () => {
  const template = put('template.yaml', stringify(minimalTemplate()));

  it('merges the environment templates’ parameters with the job’s and checks the values', async () => {
    const outer = put(
      'outer.yaml',
      envTemplate('Outer', [{ name: 'Greeting', type: 'STRING', default: 'hello' }]),
    );
    const inner = put(
      'inner.yaml',
      envTemplate('Inner', [{ name: 'Greeting', type: 'STRING', allowedValues: ['hello', 'hi'] }]),
    );
    const ok = await check([template, '--env', outer, '--env', inner, '--json']);
    expect(ok.error).toBeUndefined();
    const j = JSON.parse(ok.out) as {
      parameters: Record<string, string>;
      steps: { environments: string[] }[];
    };
    expect(j.parameters.Greeting).toBe('hello');
    expect(j.steps[0]?.environments).toEqual(['Outer', 'Inner']);
    const bad = await check([template, '--env', outer, '--env', inner, '-p', 'Greeting=hey']);
    expect(bad.error?.exitCode).toBe(2);
    expect(bad.out).toMatch(/Greeting: "hey" is not one of the allowed values "hello", "hi"/);
  });

  it('lets the job template use a parameter only an environment template defines', async () => {
    const t = minimalTemplate() as { steps: { script: unknown }[] };
    t.steps[1]!.script = { actions: { onRun: { command: 'echo', args: ['{{Param.Greeting}}'] } } };
    const uses = put('uses-env-param.yaml', stringify(t));
    const env = put(
      'greeting.yaml',
      envTemplate('Greet', [{ name: 'Greeting', type: 'STRING', default: 'hello' }]),
    );
    expect((await check([uses, '--env', env])).error).toBeUndefined();
    const alone = await check([uses]);
    expect(alone.error?.exitCode).toBe(2);
    expect(alone.out).toMatch(/\{\{Param\.Greeting\}\} is not defined here/);
  });

  it('refuses an environment template with a syntax error, naming the file, line and column', async () => {
    const bad = put('bad-env.yaml', 'specificationVersion: environment-2023-09\nenvironment: [\n');
    const { out, error } = await check([template, '--env', bad]);
    expect(error?.exitCode).toBe(2);
    expect(out).toMatch(/^error: .*bad-env\.yaml: is not valid YAML .*at line \d+, column \d+/m);
    expect(out).not.toMatch(/environment: \[/);
  });

  it('refuses a missing file and an invalid environment, naming the file and the field', async () => {
    const missing = await check([template, '--env', path.join(dir, 'nope.yaml')]);
    expect(missing.out).toMatch(/^error: .*nope\.yaml: is not a file: give an environment/m);
    const invalid = put(
      'invalid.yaml',
      stringify({ specificationVersion: 'environment-2023-09', environment: { name: 'E' } }),
    );
    const r = await check([template, '--env', invalid]);
    expect(r.error?.exitCode).toBe(2);
    expect(r.out).toMatch(/^error: .*invalid\.yaml: environment/m);
  });
});
