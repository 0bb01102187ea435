import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import yargs from 'yargs';
import { stringify } from 'yaml';
import { openjdSubmit } from '../../src/cli/commands/submit-openjd.js';
import { CliError, UsageError } from '../../src/errors.js';
import { minimalTemplate } from './fixtures.js';

/** `submit openjd --env`: environment templates are checked here before anything is submitted. */

const dir = mkdtempSync(path.join(tmpdir(), 'ct-ojd-env-'));
const put = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};

async function submit(args: string[]): Promise<{ err: string; error?: CliError }> {
  let err = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  let error: CliError | undefined;
  try {
    await yargs(['openjd', ...args, '--state-dir', path.join(dir, 'no-coordinator')])
      .command(openjdSubmit)
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
  return { err, error };
}

afterEach(() => vi.restoreAllMocks());

describe('submit openjd --env', () => {
  const template = put('template.yaml', stringify(minimalTemplate()));

  it('refuses an environment template with a syntax error, naming the file and the line', async () => {
    const bad = put('bad-env.yaml', 'specificationVersion: environment-2023-09\nenvironment: [\n');
    const { err, error } = await submit([template, '--env', bad, '-p', 'Frames=1-2']);
    expect(error?.exitCode).toBe(2);
    expect(err).toMatch(/error: .*bad-env\.yaml: is not valid YAML .*at line \d+/);
    expect(err).not.toMatch(/environment: \[/); // never the file's text
  });

  it('refuses one whose parameter disagrees with the job, naming both templates', async () => {
    const env = put(
      'env.yaml',
      stringify({
        specificationVersion: 'environment-2023-09',
        parameterDefinitions: [{ name: 'Frames', type: 'INT', default: 1 }],
        environment: { name: 'E', variables: { A: '1' } },
      }),
    );
    const { err, error } = await submit([template, '--env', env, '-p', 'Frames=1-2']);
    expect(error?.exitCode).toBe(2);
    expect(err).toMatch(
      /error: the job template: parameter Frames: is INT there and STRING here: the types must agree \(it is also defined in .*env\.yaml\)/,
    );
  });

  it('refuses a number of retries that is not one', async () => {
    const { err, error } = await submit([template, '-p', 'deadline:maxRetriesPerTask=x']);
    expect(error?.exitCode).toBe(2);
    expect(err).toMatch(/-p deadline:maxRetriesPerTask=x: must be a whole number from 0 to 100/);
  });
});
