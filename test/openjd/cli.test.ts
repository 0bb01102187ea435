import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import yargs from 'yargs';
import { stringify } from 'yaml';
import { openjdCommand } from '../../src/cli/commands/openjd.js';
import { CliError, UsageError } from '../../src/errors.js';
import { minimalTemplate } from './fixtures.js';

const EXAMPLES = path.resolve(import.meta.dirname, '../../examples/openjd');

async function cli(args: string[]): Promise<{ out: string; error?: CliError }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  let error: CliError | undefined;
  try {
    await yargs(args)
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

function file(doc: unknown): string {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'ct-ojd-cli-')), 'template.yaml');
  writeFileSync(f, stringify(doc));
  return f;
}

describe('cluster-tool openjd check', () => {
  it('prints the steps in dependency order with their task counts', async () => {
    const { out, error } = await cli([
      'openjd',
      'check',
      file(minimalTemplate()),
      '-p',
      'Frames=1-10',
    ]);
    expect(error).toBeUndefined();
    expect(out).toMatch(/job "Test sh010": 2 step\(s\) in dependency order/);
    expect(out).toMatch(/ {2}Render {2}10 tasks\n/);
    expect(out).toMatch(/ {2}Encode {2}1 task {2}after Render\n/);
    expect(out).toMatch(/not built here: hostRequirements beyond GPUs/);
  });

  it('validates the template alone: a parameter with no value is not an error, checked once given', async () => {
    const doc = minimalTemplate() as { parameterDefinitions: Record<string, unknown>[] };
    delete doc.parameterDefinitions[1]!.default;
    const { out, error } = await cli(['openjd', 'check', file(doc)]);
    expect(error).toBeUndefined();
    expect(out).toMatch(/^no value for Frames: .*-p Name=Value/m);
    expect(out).toMatch(
      / {2}Encode {2}tasks counted once every parameter has a value {2}after Render\n/,
    );
    const given = await cli(['openjd', 'check', file(doc), '-p', 'Frames=x']);
    expect(given.error?.exitCode).toBe(2);
  });

  it('lists every error with its path and exits with code 2', async () => {
    const doc = minimalTemplate() as { steps: { dependencies?: unknown }[] };
    (doc.steps[0] as { dependencies?: unknown }).dependencies = [{ dependsOn: 'Encode' }];
    (doc.steps[1] as Record<string, unknown>).extra = true;
    const { out, error } = await cli(['openjd', 'check', file(doc)]);
    expect(error?.exitCode).toBe(2);
    expect(out).toMatch(/^error: steps\[1\]\.extra: is not a property here/m);
    expect(out).toMatch(/^error: steps\[0\]\.dependencies: the dependencies form a cycle/m);
  });

  it('refuses host requirements that cannot be asked of Slurm, as submit would', async () => {
    const doc = minimalTemplate() as { steps: Record<string, unknown>[] };
    doc.steps[0]!.hostRequirements = { amounts: [{ name: 'amount.worker.gpu.memory', min: 8000 }] };
    const { out, error } = await cli(['openjd', 'check', file(doc)]);
    expect(error?.exitCode).toBe(2);
    expect(out).toMatch(
      /^error: steps\[0\]\.hostRequirements\.amounts\[0\]: Slurm here does not know how much memory a GPU has/m,
    );
  });

  it('counts a chunked step in chunks, and refuses CHUNK[INT] without TASK_CHUNKING', async () => {
    const chunked = await cli(['openjd', 'check', path.join(EXAMPLES, 'blender-chunked')]);
    expect(chunked.error).toBeUndefined();
    expect(chunked.out).toMatch(/ {2}Render {2}6 tasks\n/);
    const doc = minimalTemplate() as { steps: { parameterSpace?: unknown }[] };
    doc.steps[0]!.parameterSpace = {
      taskParameterDefinitions: [
        {
          name: 'Frame',
          type: 'CHUNK[INT]',
          range: '1-10',
          chunks: { defaultTaskCount: 0, rangeConstraint: 'CONTIGUOUS' },
        },
      ],
    };
    const { out, error } = await cli(['openjd', 'check', file(doc)]);
    expect(error?.exitCode).toBe(2);
    expect(out).toMatch(
      /^error: steps\[0\]\.parameterSpace\.taskParameterDefinitions\[0\]\.type: CHUNK\[INT\] needs the TASK_CHUNKING extension/m,
    );
    expect(out).toMatch(/^error: .*\.chunks\.defaultTaskCount: .*an integer of at least 1/m);
  });

  it('refuses bad parameter values with exit code 2', async () => {
    const { out, error } = await cli([
      'openjd',
      'check',
      file(minimalTemplate()),
      '-p',
      'Frames=1-3,2',
      '-p',
      'Nope=1',
    ]);
    expect(error?.exitCode).toBe(2);
    expect(out).toMatch(/^error: Nope: is not a parameter of this template/m);
  });

  it('prints JSON with --json, manifest steps counted as null', async () => {
    const { out } = await cli([
      'openjd',
      'check',
      path.join(EXAMPLES, 'tiles'),
      '-p',
      'WorkDir=/tmp/w',
      '--json',
    ]);
    const j = JSON.parse(out) as {
      valid: boolean;
      steps: { name: string; tasks: number | null }[];
      parameters: Record<string, string>;
      notBuilt: unknown[];
    };
    expect(j.valid).toBe(true);
    expect(j.steps.map((s) => [s.name, s.tasks])).toEqual([
      ['Generate', 1],
      ['Process', null],
      ['MergeRows', null],
      ['MergeImage', 1],
    ]);
    expect(j.parameters.ScriptDir).toBe(path.join(EXAMPLES, 'tiles', 'scripts'));
    expect(j.notBuilt.length).toBeGreaterThan(2);
  });
});
