import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * Where the Open Job Description conformance suite is read from. The cases are the
 * specification's (openjd-specifications `conformance-tests/`), never copied into this project:
 * `OPENJD_CONFORMANCE_DIR` names the folder that holds `2023-09/`; without it the suite is looked
 * for in `shared/openjd-conformance` beside the project (a checkout or a worktree one level
 * deeper), where CI and the project's machines keep a verbatim copy (its SOURCE.md says whence).
 * Elsewhere, check out OpenJobDescription/openjd-specifications and set
 * `OPENJD_CONFORMANCE_DIR=<checkout>/conformance-tests`.
 */
export function conformanceDir(): string {
  const root = path.resolve(import.meta.dirname, '../../..');
  const candidates = process.env.OPENJD_CONFORMANCE_DIR
    ? [path.resolve(process.env.OPENJD_CONFORMANCE_DIR)]
    : [
        path.resolve(root, '../shared/openjd-conformance'),
        path.resolve(root, '../../shared/openjd-conformance'),
      ];
  const found = candidates.find((d) => existsSync(path.join(d, '2023-09', 'base')));
  if (!found)
    throw new Error(
      `the OpenJD conformance suite is not at ${candidates.join(' or ')}: check out ` +
        'github.com/OpenJobDescription/openjd-specifications and set ' +
        'OPENJD_CONFORMANCE_DIR=<checkout>/conformance-tests',
    );
  return found;
}

/** One case: a file, whether the suite wants it accepted, and its section (`2.1`, `3.4`...). */
export interface ConformanceCase {
  name: string;
  file: string;
  accept: boolean;
  section: string;
}

/**
 * The suites to run: `base` and each extension folder present beside it (`TASK_CHUNKING`,
 * `FEATURE_BUNDLE_1`...). The project's copy holds `base` only; a full checkout of the suite
 * brings the extension cases too. `OPENJD_CONFORMANCE_SUITES=base,EXPR` picks some.
 */
export function conformanceSuites(dir = conformanceDir()): string[] {
  // statSync follows a link, so a suite folder linked in (base beside a checkout's extensions) counts
  const root = path.join(dir, '2023-09');
  const present = readdirSync(root).filter((name) => statSync(path.join(root, name)).isDirectory());
  const wanted = process.env.OPENJD_CONFORMANCE_SUITES?.split(',').map((s) => s.trim());
  const chosen = wanted ? present.filter((s) => wanted.includes(s)) : present;
  return chosen.sort((a, b) => (a === 'base' ? -1 : b === 'base' ? 1 : a.localeCompare(b)));
}

/**
 * The cases of one folder (`job_templates`, `env_templates`, `jobs`) of every suite chosen,
 * sorted; a case outside `base` is named with its suite (`TASK_CHUNKING/noncontiguous.yaml`).
 * `proposed/` sub-folders are not cases.
 */
export function conformanceCases(
  folder: 'job_templates' | 'env_templates' | 'jobs',
  dir = conformanceDir(),
): ConformanceCase[] {
  return conformanceSuites(dir).flatMap((suite) => {
    const at = path.join(dir, '2023-09', suite, folder);
    if (!existsSync(at)) return [];
    return readdirSync(at)
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .sort()
      .map((f) => ({
        name: suite === 'base' ? f : `${suite}/${f}`,
        file: path.join(at, f),
        accept: !f.includes('.invalid.'),
        section: suite === 'base' ? (f.split('--')[0] ?? '?') : suite,
      }));
  });
}

/**
 * Whether a job case runs on Windows only, so not on these Linux nodes: its name says `windows`,
 * or its `runOn` list (the operating systems the suite runs it on) names neither `posix` nor
 * `linux`.
 */
export function windowsOnly(c: ConformanceCase): boolean {
  if (/windows/i.test(c.name)) return true;
  const doc = parse(readFileSync(c.file, 'utf8')) as { runOn?: unknown } | null;
  const runOn = Array.isArray(doc?.runOn) ? doc.runOn.map((s) => String(s).toLowerCase()) : [];
  return runOn.length > 0 && !runOn.some((s) => s === 'posix' || s === 'linux');
}

/** Passed and failed counts by section and by what the suite wants, as a printable table. */
export function summary(title: string, rows: { c: ConformanceCase; right: boolean }[]): string {
  const by = new Map<string, { pass: number; fail: number }>();
  for (const { c, right } of rows) {
    const key = `${c.section.padEnd(6)} ${c.accept ? 'accept' : 'refuse'}`;
    const n = by.get(key) ?? { pass: 0, fail: 0 };
    if (right) n.pass++;
    else n.fail++;
    by.set(key, n);
  }
  const pass = rows.filter((r) => r.right).length;
  const lines = [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(
      ([k, n]) =>
        `  ${k}  ${String(n.pass).padStart(3)} passed  ${String(n.fail).padStart(3)} failed`,
    );
  return [`${title}: ${pass} of ${rows.length} decided right`, ...lines].join('\n');
}

/**
 * Cases this tool decides differently on purpose, each with the reason docs/openjd.md
 * ("What still differs") gives. Not every copy of the suite holds them, so a runner checks one
 * only where present, and expects it still decided the other way.
 */
export const DIFFERS_ON_PURPOSE: ReadonlyMap<string, string> = new Map([
  ['3.3.1--gpu-memory.yaml', 'Slurm here is not asked for GPU memory: refused at check'],
  ['3.3.1--with-max.yaml', 'Slurm gives a node whole: an amount maximum is refused at check'],
  ['3.3.1--amount-min-zero-valid.yaml', 'its amount has a maximum: refused at check, as above'],
  [
    '1.1--validation-valid-path-absolute-default.test.yaml',
    "a PATH default stays inside the template's directory: an absolute one is refused",
  ],
  [
    'EXPR/2.12--list-path-param-mapping.test.yaml',
    "a LIST[PATH] default's items stay inside the template's directory: absolute ones are refused",
  ],
  [
    'EXPR/2.12--list-path-param-mapping-posix.test.yaml',
    "a LIST[PATH] default's items stay inside the template's directory: absolute ones are refused",
  ],
]);
