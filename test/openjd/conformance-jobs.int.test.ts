import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Document, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { JobDetail } from '../../src/api/types.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCliAsync } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';
import {
  DIFFERS_ON_PURPOSE,
  conformanceCases,
  windowsOnly,
  summary,
  type ConformanceCase,
} from './helpers/conformance.js';

/**
 * The specification's conformance suite, job cases (`2023-09/base/jobs/*.test.yaml`), run on the
 * local cluster: each template is submitted with `submit openjd` and its `parameters`; a
 * `*.invalid.test.yaml` must be refused at submission, any other must succeed, print every line of
 * `expected.output` and none of `expected.forbidden` (with `expected.taskFailure`, a task must
 * fail, so the job ends failed, rather than succeed). The suite is read where
 * `helpers/conformance.ts` says, never copied here. Windows-only cases are left out (the nodes
 * here run Linux). A case's `environments` are written one file each and given in order with
 * `--env` (outermost first); its `pathMapping` rules with `--path-mapping-rules`.
 * `OPENJD_CASES=<regexp>` runs only the cases whose names match.
 */

const OLDER_LIST_PATH_CASE =
  "the suite's older case wants a relative LIST[PATH] default unjoined; its newer 2.12--list-path-default-within-template-dir (and a PATH default) join it with the template's directory, as done here";

/** Cases still decided wrong, each with the reason; a case fixed must leave this list. */
const KNOWN_WRONG = new Map<string, string>([
  ['EXPR/2.12--list-path-param-runtime.test.yaml', OLDER_LIST_PATH_CASE],
  ['EXPR/2.12--list-path-param-runtime-posix.test.yaml', OLDER_LIST_PATH_CASE],
]);

const slurm = new SlurmClient({ slurmConf: inject('slurmConf') });
const root = mkdtempSync('/tmp/ct-ojd-conf-');
// OPENJD_CASES (a regular expression) runs only the cases it matches
const only = process.env.OPENJD_CASES ? new RegExp(process.env.OPENJD_CASES) : undefined;
const cases = conformanceCases('jobs').filter(
  (c) => !windowsOnly(c) && (!only || only.test(c.name)),
);
let coord: CoordinatorProcess;

interface Outcome {
  /** The submission's refusal, or the job as it ended. */
  refused?: string;
  /** Why the case could not be run here at all. */
  notRun?: string;
  job?: JobDetail;
  /** What the job printed: its name (`Job: <name>`), then every line its actions printed (tasks' and environments'). */
  lines: string[];
  /** Text that must be printed (a list: any one of them), and text that must not. */
  expected: (string | string[])[];
  forbidden: string[];
  /** The case wants a task to fail (`expected.taskFailure`). */
  taskFailure: boolean;
}
const outcomes = new Map<string, Promise<Outcome>>();
const results: { c: ConformanceCase; right: boolean }[] = [];

/** A scalar as written (so `1.0` stays `1.0` and int64 values stay exact). */
function text(node: unknown): string {
  if (isScalar(node)) return node.source ?? String(node.value);
  return String(node);
}

/**
 * Every line a job's actions printed: its tasks', from their output files (`<time> out: <line>`),
 * then its environments' (onEnter/onExit), from the session logs (`logs/openjd-*.log`), less the
 * `--- ` lines the agent writes there to say what it runs.
 */
function printed(jobDir: string): string[] {
  const logs = path.join(jobDir, 'logs');
  const dir = path.join(logs, 'tasks');
  const lines: string[] = [];
  for (const t of existsSync(dir) ? readdirSync(dir) : [])
    for (const f of readdirSync(path.join(dir, t)))
      for (const l of readFileSync(path.join(dir, t, f), 'utf8').split('\n')) {
        const m = /^\S+ (?:out|err): (.*)$/.exec(l);
        if (m) lines.push((m[1] as string).trimEnd());
      }
  const sessions = (existsSync(logs) ? readdirSync(logs) : []).filter((f) =>
    /^openjd-.*\.log$/.test(f),
  );
  for (const f of sessions)
    for (const l of readFileSync(path.join(logs, f), 'utf8').split('\n'))
      if (l && !l.startsWith('--- ')) lines.push(l.trimEnd());
  return lines;
}

async function runCase(c: ConformanceCase): Promise<Outcome> {
  const doc = parseDocument(readFileSync(c.file, 'utf8'), { intAsBigInt: true });
  const dir = path.join(root, c.name.replace(/\.test\.yaml$/, ''));
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'template.yaml');
  writeFileSync(file, new Document(doc.get('template', true)).toString());
  const args = ['submit', 'openjd', file, '--nodes', '1', '--state-dir', coord.stateDir];
  const params = doc.get('parameters', true);
  if (isMap(params))
    for (const pair of params.items) args.push('-p', `${text(pair.key)}=${text(pair.value)}`);
  const want = (key: string) =>
    ((doc.getIn(['expected', key]) as { toJSON(): unknown } | undefined)?.toJSON() ??
      []) as unknown[];
  const out: Outcome = {
    lines: [],
    // an entry is text or { anyOf: [text, ...] }; output_posix applies here, output_windows not
    expected: [...want('output'), ...want('output_posix')].map((e) =>
      typeof e === 'object' && e !== null && 'anyOf' in e
        ? (e as { anyOf: unknown[] }).anyOf.map(String)
        : String(e),
    ),
    forbidden: want('forbidden').map(String),
    taskFailure: doc.hasIn(['expected', 'taskFailure']),
  };
  // the case's environment templates, each its own file, passed in order with --env
  const envs = doc.get('environments', true);
  if (isSeq(envs))
    envs.items.forEach((e, i) => {
      const envFile = path.join(dir, `env-${i}.yaml`);
      writeFileSync(envFile, new Document(e).toString());
      args.push('--env', envFile);
    });
  // the case's path-mapping rules, as the session's (--path-mapping-rules)
  const mapping = doc.get('pathMapping', true);
  if (isSeq(mapping)) {
    const rulesFile = path.join(dir, 'path-mapping.json');
    writeFileSync(rulesFile, JSON.stringify(mapping.toJSON()));
    args.push('--path-mapping-rules', rulesFile);
  }
  const r = await runCliAsync(args, { timeoutMs: 300_000 });
  if (r.code !== 0) return { ...out, refused: r.stderr.trim() };
  const job = await coord.waitFor(r.stdout.trim(), ended, 600_000);
  const lines = () => [`Job: ${job.name}`, ...printed(job.dir)];
  // an environment's onExit runs when the agent leaves the session, after the job has ended
  for (let i = 0; i < 20 && missingIn(out.expected, lines()).length > 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 500));
  return { ...out, job, lines: lines() };
}

/** The expected texts (each text, or any one of a list) that `lines` does not hold. */
function missingIn(expected: Outcome['expected'], lines: string[]): Outcome['expected'] {
  const all = lines.join('\n');
  return expected.filter((e) =>
    typeof e === 'string' ? !all.includes(e) : !e.some((x) => all.includes(x)),
  );
}

/** Whether the job did what the case wants, and if not, why. */
function judge(c: ConformanceCase, o: Outcome): string | undefined {
  if (o.notRun) return o.notRun;
  if (!c.accept) return o.refused === undefined ? `was not refused (${o.job?.state})` : undefined;
  if (o.refused !== undefined) return `was refused: ${o.refused}`;
  const wanted = o.taskFailure ? 'failed' : 'succeeded';
  if (o.job?.state !== wanted)
    return `ended ${o.job?.state} (the case wants ${wanted}): ${o.job?.error ?? ''}`;
  // the suite's texts are substrings of what was printed
  const all = o.lines.join('\n');
  const missing = missingIn(o.expected, o.lines);
  const extra = o.forbidden.filter((t) => all.includes(t));
  if (missing.length || extra.length)
    return `missing ${JSON.stringify(missing)}, forbidden printed ${JSON.stringify(extra)}; printed ${JSON.stringify(o.lines.slice(0, 20))}`;
  return undefined;
}

beforeAll(async () => {
  coord = new CoordinatorProcess(path.join(root, 'state'), inject('slurmConf'), [
    '--lease-seconds',
    '10',
  ]);
  await coord.start();
  // a few submissions at a time (each is a CLI process); the jobs then queue on the cluster
  let next = 0;
  const lanes = Array.from({ length: 4 }, async () => {
    while (next < cases.length) {
      const c = cases[next++] as ConformanceCase;
      const p = runCase(c);
      outcomes.set(c.name, p);
      await p.catch(() => {});
    }
  });
  void Promise.all(lanes);
});

afterAll(async () => {
  console.log(summary('job tests', results));
  await cleanUp(slurm, root, coord);
});

describe('OpenJD conformance: jobs on the local cluster', () => {
  for (const c of cases) {
    const known = KNOWN_WRONG.get(c.name) ?? DIFFERS_ON_PURPOSE.get(c.name);
    it(`${c.accept ? 'runs' : 'refuses'} ${c.name}${known ? ` (known wrong: ${known})` : ''}`, async () => {
      while (!outcomes.has(c.name)) await new Promise((r) => setTimeout(r, 200));
      const why = judge(c, await (outcomes.get(c.name) as Promise<Outcome>));
      results.push({ c, right: why === undefined });
      if (known) expect(why, 'now decided right: remove it from its list').toBeDefined();
      else expect(why).toBeUndefined();
    });
  }
});
