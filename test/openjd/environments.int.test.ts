import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { EXAMPLES } from './helpers/load-example.js';
import { cleanUp, CoordinatorProcess, ended, noAllocationLeft } from '../helpers/coordinator.js';

/**
 * OpenJD environments on the local cluster: onExit actions that run to completion as the job
 * ends, environment templates from `submit openjd --env` and from the coordinator's queue
 * environments (`cluster-tool env`), `--max-retries`, and a session's path-mapping rules
 * (`--path-mapping-rules`).
 */

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-ojd-envs-');
let coord: CoordinatorProcess;

beforeAll(async () => {
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

const cli = (args: string[]) => runCli([...args, '--state-dir', coord.stateDir]);
const py = (code: string) => ({ command: 'python3', args: ['-c', code] });
const write = (name: string, doc: unknown) => {
  const file = path.join(root, name);
  writeFileSync(file, stringify(doc));
  return file;
};
/** Every line of every file under `dir` whose name matches. */
function lines(dir: string, match: RegExp): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile() && match.test(e.name))
      out.push(...readFileSync(path.join(e.parentPath, e.name), 'utf8').split('\n'));
  return out;
}

describe('OpenJD environments on the local cluster', () => {
  it("runs the job's and the last step's onExit to completion before the allocation goes", async () => {
    const slowExit = (what: string) =>
      py(`import time; time.sleep(3); print("${what} onExit finished", flush=True)`);
    const file = write('on-exit.yaml', {
      specificationVersion: 'jobtemplate-2023-09',
      name: 'slow onExit',
      jobEnvironments: [
        {
          name: 'JobEnv',
          script: { actions: { onEnter: py('print("in")'), onExit: slowExit('job') } },
        },
      ],
      steps: [
        {
          name: 'Only',
          stepEnvironments: [
            { name: 'StepEnv', script: { actions: { onExit: slowExit('step') } } },
          ],
          script: { actions: { onRun: py('print("ran")') } },
        },
      ],
    });
    const r = cli(['submit', 'openjd', file, '--nodes', '1']);
    expect(r.code, r.stderr).toBe(0);
    const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
    expect(job.state).toBe('succeeded');
    await noAllocationLeft(slurm);
    const log = lines(path.join(job.dir, 'logs'), /^openjd-.*\.log$/);
    expect(log).toContain('step onExit finished');
    expect(log).toContain('job onExit finished');
    expect(log.join('\n')).not.toMatch(/Terminated/);
  }, 360_000);

  it('runs a job in the queue environments, then its --env ones, with their parameters merged', async () => {
    const queueEnv = write('queue-env.yaml', {
      specificationVersion: 'environment-2023-09',
      parameterDefinitions: [{ name: 'Greeting', type: 'STRING', default: 'hello' }],
      environment: { name: 'QueueEnv', variables: { FROM_QUEUE: 'queue-{{Param.Greeting}}' } },
    });
    const added = cli(['env', 'add', queueEnv]);
    expect(added.code, added.stderr).toBe(0);
    expect(cli(['env', 'list']).stdout).toMatch(/QueueEnv .*parameters Greeting/);
    const myEnv = write('my-env.yaml', {
      specificationVersion: 'environment-2023-09',
      parameterDefinitions: [{ name: 'Greeting', type: 'STRING', allowedValues: ['hello', 'hi'] }],
      environment: {
        name: 'MyEnv',
        script: {
          actions: {
            onEnter: py(
              'print("openjd_env: FROM_MINE=mine-" + __import__("os").environ["FROM_QUEUE"])',
            ),
          },
        },
      },
    });
    const file = write('in-envs.yaml', {
      specificationVersion: 'jobtemplate-2023-09',
      name: 'in environments',
      parameterDefinitions: [{ name: 'Greeting', type: 'STRING' }],
      steps: [
        {
          name: 'Show',
          script: {
            actions: {
              onRun: py(
                'import os; print("SEEN", os.environ["FROM_QUEUE"], os.environ["FROM_MINE"], "{{Param.Greeting}}")',
              ),
            },
          },
        },
      ],
    });
    // a template may use a parameter only the queue environment defines
    const usesQueue = write('uses-queue-param.yaml', {
      specificationVersion: 'jobtemplate-2023-09',
      name: 'uses {{Param.Greeting}}',
      steps: [{ name: 'Show', script: { actions: { onRun: py('print("{{Param.Greeting}}")') } } }],
    });
    const planned = cli(['submit', 'openjd', usesQueue, '--dry-run']);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toMatch(/^Would submit job .* queue environment QueueEnv$/m);
    const refused = cli(['submit', 'openjd', file, '--env', myEnv, '-p', 'Greeting=hey']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /Greeting: "hey" is not one of the allowed values "hello", "hi"/,
    );
    const r = cli(['submit', 'openjd', file, '--env', myEnv, '--nodes', '1']);
    expect(r.code, r.stderr).toBe(0);
    const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
    expect(job.state, job.error ?? '').toBe('succeeded');
    expect(lines(path.join(job.dir, 'logs', 'tasks'), /\.log$/).join('\n')).toMatch(
      /out: SEEN queue-hello mine-queue-hello hello/,
    );
    expect(cli(['env', 'remove', 'QueueEnv']).code).toBe(0);
    expect(cli(['env', 'list']).stdout).toMatch(/no queue environments/);
  }, 360_000);

  it('runs the venv example: a queue environment that activates a prepared venv, installing nothing', async () => {
    const dir = path.join(root, 'venv-queue-env');
    cpSync(path.join(EXAMPLES, 'venv-queue-env'), dir, { recursive: true });
    const setup = spawnSync('sh', [path.join(dir, 'setup-venv.sh')], { encoding: 'utf8' });
    expect(setup.status, setup.stderr).toBe(0);
    const added = cli(['env', 'add', path.join(dir, 'queue-env.yaml')]);
    expect(added.code, added.stderr).toBe(0);
    const r = cli(['submit', 'openjd', path.join(dir, 'template.yaml'), '--nodes', '1']);
    expect(r.code, r.stderr).toBe(0);
    const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
    expect(job.state, job.error ?? '').toBe('succeeded');
    const out = lines(path.join(job.dir, 'logs', 'tasks'), /\.log$/).join('\n');
    expect(out).toContain(`task 1 python ${path.join(dir, 'venv')}`);
    expect(out.match(/out: in venv: True/g)).toHaveLength(2);
    expect(cli(['env', 'remove', 'PythonVenv']).code).toBe(0);
  }, 360_000);

  it('tries a failing task once with --max-retries 0', async () => {
    const file = write('fails.yaml', {
      specificationVersion: 'jobtemplate-2023-09',
      name: 'fails',
      steps: [{ name: 'Fail', script: { actions: { onRun: py('raise SystemExit(3)') } } }],
    });
    const r = cli(['submit', 'openjd', file, '--max-retries', '0', '--nodes', '1']);
    expect(r.code, r.stderr).toBe(0);
    const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/Fail failed after 1 attempt: /);
  }, 360_000);

  it('maps PATH values by --path-mapping-rules on the node, keeping RawParam as given', async () => {
    const studio = path.join(root, 'studio');
    const seen = path.join(root, 'mapped.txt');
    const rules = path.join(root, 'rules.json');
    writeFileSync(
      rules,
      JSON.stringify({
        version: 'pathmapping-1.0',
        path_mapping_rules: [
          { source_path_format: 'WINDOWS', source_path: 'Z:\\Studio', destination_path: studio },
        ],
      }),
    );
    const file = write('mapped.yaml', {
      specificationVersion: 'jobtemplate-2023-09',
      name: 'mapped',
      parameterDefinitions: [{ name: 'Scene', type: 'PATH' }],
      steps: [
        {
          name: 'Show',
          script: {
            actions: {
              onRun: py(
                `import pathlib; rules = pathlib.Path(r'{{Session.PathMappingRulesFile}}').read_text(); pathlib.Path(r'${seen}').write_text('\\n'.join([r'{{Param.Scene}}', r'{{RawParam.Scene}}', '{{Session.HasPathMappingRules}}', rules]))`,
              ),
            },
          },
        },
      ],
    });
    const submit = (rulesFile: string) =>
      cli([
        'submit',
        'openjd',
        file,
        '-p',
        'Scene=z:\\studio\\sh010\\a.blend',
        '--path-mapping-rules',
        rulesFile,
        '--nodes',
        '1',
      ]);
    // a bad rules file is refused before anything is submitted, naming the file
    const bad = path.join(root, 'bad-rules.json');
    writeFileSync(
      bad,
      JSON.stringify([{ source_path_format: 'POSIX', source_path: '/a', destination_path: 'rel' }]),
    );
    const refused = submit(bad);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `error: ${bad}: rule 1: destination_path: give an absolute path`,
    );
    const r = submit(rules);
    expect(r.code, r.stderr).toBe(0);
    const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
    expect(job.state, job.error ?? '').toBe('succeeded');
    const [mapped, raw, has, ...file_] = readFileSync(seen, 'utf8').split('\n');
    expect([mapped, raw, has]).toEqual([
      path.join(studio, 'sh010', 'a.blend'),
      'z:\\studio\\sh010\\a.blend',
      'true',
    ]);
    expect(JSON.parse(file_.join('\n'))).toMatchObject({
      version: 'pathmapping-1.0',
      path_mapping_rules: [{ source_path_format: 'WINDOWS', destination_path: studio }],
    });
  }, 360_000);
});
