import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenjdRunner } from '../../../src/agent/runners/openjd.js';
import type { LeasedTask } from '../../../src/agent/runner.js';
import { planJob } from '../../../src/coordinator/jobs/registry.js';
import { nodeFiles } from '../../../src/util/node-files.js';

// REDACTED_ENV_VARS with real processes: the value an onEnter sets reaches the task's
// environment, and nothing kept of the session's output holds it.
// the template holds it upper-cased, so that only the action's output carries the value itself
const SECRET = 's3cr3t-tok3n-value';
const root = mkdtempSync(path.join(tmpdir(), 'ojd-redact-'));
const jobDir = path.join(root, 'jobs', 'j1');
mkdirSync(path.join(jobDir, 'logs'), { recursive: true });
const out = path.join(root, 'out');
mkdirSync(out);

const bash = (script: string) => ({ command: 'bash', args: ['-c', script, 'bash'] });

const template = {
  specificationVersion: 'jobtemplate-2023-09',
  extensions: ['REDACTED_ENV_VARS'],
  name: 'redaction',
  parameterDefinitions: [{ name: 'Out', type: 'PATH' }],
  jobEnvironments: [
    {
      name: 'Creds',
      script: {
        actions: {
          onEnter: bash(
            `V=$(echo '${SECRET.toUpperCase()}' | tr A-Z a-z); echo "openjd_redacted_env: TOKEN=$V"; echo "again $V"; echo "openjd_redacted_env: BAD NAME=$V-2"`,
          ),
          onExit: bash('echo "leaving with $TOKEN"'),
        },
      },
    },
  ],
  steps: [
    {
      name: 'Use',
      script: {
        actions: {
          onRun: bash(
            `printf %s "$TOKEN" > '{{Param.Out}}/seen.txt'; echo "token is $TOKEN"; echo "err $TOKEN" >&2; echo "openjd_status: using $TOKEN"; echo "openjd_fail: bad $TOKEN"; exit 4`,
          ),
        },
      },
    },
  ],
};

function leased(): LeasedTask[] {
  const plan = planJob(
    { kind: 'openjd', nodes: 1, template, templatePath: 't.yaml', parameters: { Out: out } },
    {
      limits: { partitionNodes: 1, maxGpusPerNode: 4 },
      dirs: { id: 'j1', dir: jobDir, outputDir: path.join(jobDir, 'output') },
      files: nodeFiles,
    },
  );
  return plan.tasks.map((t, i) => ({
    id: i + 1,
    kind: t.kind,
    stage: t.stage,
    frames: [],
    payload: t.payload,
    jobDir,
  }));
}

/** Every file under the job's logs, read whole. */
function allLogs(dir = path.join(jobDir, 'logs')): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((e) =>
      e.isDirectory()
        ? allLogs(path.join(dir, e.name))
        : readFileSync(path.join(dir, e.name), 'utf8'),
    )
    .join('\n');
}

describe('redacted environment variables in the OpenJD runner', () => {
  it('sets the variable for later actions and masks its value in logs, output, tail and messages', async () => {
    const [task] = leased();
    const runner = new OpenjdRunner();
    const agentLog: string[] = [];
    const failure = await runner
      .run(task!, { gpu: '', signal: new AbortController().signal, log: (l) => agentLog.push(l) })
      .then(
        () => null,
        (e: unknown) => e as { message: string; tail: string[] },
      );
    await runner.close();
    expect(readFileSync(path.join(out, 'seen.txt'), 'utf8')).toBe(SECRET);
    expect(failure?.message).toBe('bad ******** (exited with code 4)');
    expect(failure?.tail).toEqual(expect.arrayContaining(['token is ********', 'err ********']));
    const logs = allLogs();
    expect(logs).toContain('openjd_redacted_env: TOKEN=********');
    expect(logs).toContain('again ********');
    expect(logs).toContain('leaving with ********');
    // a setting whose name does not parse is masked after its `=` all the same
    expect(logs).toContain('openjd_redacted_env: BAD NAME=********');
    expect(logs).toContain('out: openjd_status: using ********');
    expect(logs).not.toContain(SECRET);
    expect(JSON.stringify(failure)).not.toContain(SECRET);
    expect(agentLog.join('\n')).not.toContain(SECRET);
  }, 30_000);
});
