import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';

/**
 * The specification's extensions on the local cluster. REDACTED_ENV_VARS: a job environment's
 * onEnter sets a variable with `openjd_redacted_env`; the task sees its value, and nothing the
 * coordinator serves or keeps (the task's log, results, status, the job's files and its
 * database) holds it. EXPR and FEATURE_BUNDLE_1: a simple action whose range, output and
 * timeout are computed by expressions, and `let` bindings of a step and of a simple action that
 * reach a task's command line.
 */

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-ojd-redact-');
let coord: CoordinatorProcess;

beforeAll(async () => {
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

const cli = (args: string[]) => runCli([...args, '--state-dir', coord.stateDir]);
// the template holds it upper-cased: only the actions' output carries the value itself
const SECRET = 'tok-9f2c1e-secret';
const out = path.join(root, 'seen.txt');

/** Every file under `dir`, read as text (the database included). */
function everything(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');
}

describe('OpenJD extensions on the local cluster', () => {
  it('sets the variable for later actions and keeps its value out of the served log', async () => {
    const file = path.join(root, 'redacted.yaml');
    writeFileSync(
      file,
      stringify({
        specificationVersion: 'jobtemplate-2023-09',
        extensions: ['REDACTED_ENV_VARS'],
        name: 'redacted',
        jobEnvironments: [
          {
            name: 'Creds',
            script: {
              actions: {
                onEnter: {
                  command: 'bash',
                  args: [
                    '-c',
                    `echo "openjd_redacted_env: TOKEN=$(echo '${SECRET.toUpperCase()}' | tr A-Z a-z)"`,
                  ],
                },
              },
            },
          },
        ],
        steps: [
          {
            name: 'Use',
            script: {
              actions: {
                onRun: {
                  command: 'bash',
                  args: [
                    '-c',
                    `printf %s "$TOKEN" > '${out}'; echo "token is $TOKEN"; echo "openjd_status: has $TOKEN"`,
                  ],
                },
              },
            },
          },
        ],
      }),
    );
    const r = cli(['submit', 'openjd', file, '--nodes', '1']);
    expect(r.code, r.stderr).toBe(0);
    const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
    expect(job.state, job.error ?? '').toBe('succeeded');
    expect(readFileSync(out, 'utf8')).toBe(SECRET);
    const logs = cli(['logs', job.id, '--task', 'Use', '--tail', '1000']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('out: token is ********');
    expect(logs.stdout).toContain('openjd_status: has ********');
    const shown = [logs, cli(['results', job.id]), cli(['status', job.id])];
    for (const s of shown) expect(s.stdout + s.stderr).not.toContain(SECRET);
    expect(everything(coord.stateDir)).not.toContain(SECRET);
    expect(everything(job.dir)).not.toContain(SECRET);
  }, 360_000);

  it('runs a simple action (FEATURE_BUNDLE_1) with expressions (EXPR) in its range and script', async () => {
    const file = path.join(root, 'expr.yaml');
    writeFileSync(
      file,
      stringify({
        specificationVersion: 'jobtemplate-2023-09',
        extensions: ['EXPR', 'FEATURE_BUNDLE_1'],
        name: 'frames x{{ Param.Frames * 2 }}',
        parameterDefinitions: [{ name: 'Frames', type: 'INT', default: 2 }],
        steps: [
          {
            name: 'Say',
            parameterSpace: {
              taskParameterDefinitions: [
                { name: 'Frame', type: 'INT', range: '1-{{ Param.Frames * 2 }}' },
              ],
            },
            bash: {
              script:
                'echo "frame {{ string(Task.Param.Frame).zfill(3) }} of {{ Param.Frames * 2 }} $1"\n',
              args: ['{{ "last" if Task.Param.Frame == Param.Frames * 2 else "more" }}'],
              // a format string in a numeric field, resolved to 60 at submission
              timeout: '{{ Param.Frames * 30 }}',
            },
          },
        ],
      }),
    );
    const r = cli(['submit', 'openjd', file, '--nodes', '1']);
    expect(r.code, r.stderr).toBe(0);
    const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
    expect(job.state, job.error ?? '').toBe('succeeded');
    expect(job.name).toBe('frames x4');
    const logs = cli(['logs', job.id, '--task', 'Say[Frame=4]', '--tail', '100']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('out: frame 004 of 4 last');
  }, 360_000);

  it("passes a step's and a simple action's let bindings (EXPR) to a task's command line", async () => {
    const file = path.join(root, 'let.yaml');
    writeFileSync(
      file,
      stringify({
        specificationVersion: 'jobtemplate-2023-09',
        extensions: ['EXPR', 'FEATURE_BUNDLE_1'],
        name: 'shot {{ Param.Shot }}',
        parameterDefinitions: [
          { name: 'Shot', type: 'STRING', default: 'sh030' },
          { name: 'Frames', type: 'INT', default: 3 },
        ],
        steps: [
          {
            name: 'Comp',
            let: ['first = Param.Frames - 1', "label = Step.Name + '@' + Job.Name"],
            parameterSpace: {
              taskParameterDefinitions: [
                { name: 'Frame', type: 'INT', range: '{{ first }}-{{ Param.Frames }}' },
              ],
            },
            bash: {
              let: [
                'pad = string(Task.Param.Frame).zfill(4)',
                "out = Session.WorkingDirectory / 'plates' / (pad + '.exr')",
              ],
              script: 'echo "comp {{ label }} $1 into {{ out.name }} (first {{ first }})"\n',
              args: ['{{ pad }}'],
            },
          },
        ],
      }),
    );
    const r = cli(['submit', 'openjd', file, '--nodes', '1']);
    expect(r.code, r.stderr).toBe(0);
    const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
    expect(job.state, job.error ?? '').toBe('succeeded');
    const logs = cli(['logs', job.id, '--task', 'Comp[Frame=3]', '--tail', '100']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('out: comp Comp@shot sh030 0003 into 0003.exr (first 2)');
    // the step's binding set the range: frames 2 and 3
    expect(job.progress.total).toBe(2);
  }, 360_000);
});
