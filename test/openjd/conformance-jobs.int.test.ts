import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Document, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { JobDetail } from '../../src/api/types.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCliAsync } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';
import { conformanceCases, summary, type ConformanceCase } from './helpers/conformance.js';

/**
 * The specification's conformance suite, job cases (`2023-09/base/jobs/*.test.yaml`), run on the
 * local cluster: each template is submitted with `submit openjd` and its `parameters`; a
 * `*.invalid.test.yaml` must be refused at submission, any other must succeed, print every line of
 * `expected.output` and none of `expected.forbidden`. The suite is read where
 * `helpers/conformance.ts` says, never copied here. Windows-only cases are left out (the nodes
 * here run Linux). A case's `environments` are written one file each and given in order with
 * `--env` (outermost first). `OPENJD_CASES=<regexp>` runs only the cases whose names match.
 */

/** Cases still decided wrong, each with the reason; a case fixed must leave this list. */
const KNOWN_WRONG = new Map<string, string>([]);

const slurm = new SlurmClient({ slurmConf: inject('slurmConf') });
const root = mkdtempSync('/tmp/ct-ojd-conf-');
// OPENJD_CASES (a regular expression) runs only the cases it matches
const only = process.env.OPENJD_CASES ? new RegExp(process.env.OPENJD_CASES) : undefined;
const cases = conformanceCases('jobs').filter(
  (c) => !/windows/i.test(c.name) && (!only || only.test(c.name)),
);
let coord: CoordinatorProcess;

interface Outcome {
  /** The submission's refusal, or the job as it ended. */
  refused?: string;
  /** Why the case could not be run here at all. */
  notRun?: string;
  job?: JobDetail;
  /** What the job printed: its name (`Job: <name>`), then every line its tasks printed. */
  lines: string[];
  /** Text that must be printed (a list: any one of them), and text that must not. */
  expected: (string | string[])[];
  forbidden: string[];
}
const outcomes = new Map<string, Promise<Outcome>>();
const results: { c: ConformanceCase; right: boolean }[] = [];

/** A scalar as written (so `1.0` stays `1.0` and int64 values stay exact). */
function text(node: unknown): string {
  if (isScalar(node)) return node.source ?? String(node.value);
  return String(node);
}

/**
 * Every line a job's tasks printed, from their output files (`<time> out: <line>`), then what its
 * environments' actions printed, from the session logs (`logs/openjd-*.log`; their `--- ` lines
 * are this tool's own, naming each action).
 */
function printed(jobDir: string): string[] {
  const dir = path.join(jobDir, 'logs', 'tasks');
  const lines: string[] = [];
  for (const f of readdirSync(path.join(jobDir, 'logs')))
    if (/^openjd-.*\.log$/.test(f))
      for (const l of readFileSync(path.join(jobDir, 'logs', f), 'utf8').split('\n'))
        if (l && !l.startsWith('--- ')) lines.push(l.trimEnd());
  let tasks: string[];
  try {
    tasks = readdirSync(dir);
  } catch {
    return lines;
  }
  for (const t of tasks)
    for (const f of readdirSync(path.join(dir, t)))
      for (const l of readFileSync(path.join(dir, t, f), 'utf8').split('\n')) {
        const m = /^\S+ (?:out|err): (.*)$/.exec(l);
        if (m) lines.push((m[1] as string).trimEnd());
      }
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
  };
  // the case's environment templates, each its own file, passed in order with --env
  const envs = doc.get('environments', true);
  if (isSeq(envs))
    envs.items.forEach((e, i) => {
      const envFile = path.join(dir, `env-${i}.yaml`);
      writeFileSync(envFile, new Document(e).toString());
      args.push('--env', envFile);
    });
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
  if (o.job?.state !== 'succeeded') return `ended ${o.job?.state}: ${o.job?.error ?? ''}`;
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
    const known = KNOWN_WRONG.get(c.name);
    it(`${c.accept ? 'runs' : 'refuses'} ${c.name}${known ? ` (known wrong: ${known})` : ''}`, async () => {
      while (!outcomes.has(c.name)) await new Promise((r) => setTimeout(r, 200));
      const why = judge(c, await (outcomes.get(c.name) as Promise<Outcome>));
      results.push({ c, right: why === undefined });
      if (known) expect(why, 'now decided right: remove it from KNOWN_WRONG').toBeDefined();
      else expect(why).toBeUndefined();
    });
  }
});
