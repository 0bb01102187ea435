import { formatPath, type PathSegment, type Problem } from './problem.js';

/**
 * The name and count limits of 2023-09 and those FEATURE_BUNDLE_1 (RFC 0004) raises them to, as
 * the reference implementations carry them (openjd-model `EffectiveLimits`). The schemas allow the
 * bundle's; `checkBaseLimits` holds a template without the extension to 2023-09's. An environment
 * template's parameter count stays 50 either way.
 */
export const BASE_LIMITS = {
  identifier: 64,
  jobName: 128,
  stepName: 64,
  environmentName: 64,
  parameters: 50,
  filename: 64,
} as const;
export const BUNDLE_LIMITS = {
  identifier: 512,
  jobName: 512,
  stepName: 512,
  environmentName: 512,
  parameters: 200,
  filename: 256,
} as const;

type Limit = keyof typeof BASE_LIMITS;
type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);
const items = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The limits a template with (`bundled`) or without FEATURE_BUNDLE_1 is held to. */
export const limitsFor = (bundled: boolean) => (bundled ? BUNDLE_LIMITS : BASE_LIMITS);

function hint(kind: Limit): string {
  return `, or list FEATURE_BUNDLE_1 in extensions for up to ${BUNDLE_LIMITS[kind]}`;
}

/**
 * A problem for each name or list in the (raw) job template or environment template document
 * over 2023-09's limits. `environmentTemplate` names the document's kind: its parameter count is
 * the schema's to check. `withBaseLimits` puts these in place of the schema's (bundle) ones.
 */
export function checkBaseLimits(doc: Raw, problems: Problem[], environmentTemplate = false): void {
  const long = (v: unknown, kind: Limit, at: PathSegment[]) => {
    if (typeof v !== 'string') return;
    if (v.length > BASE_LIMITS[kind])
      problems.push({
        path: formatPath(at),
        message: `must be at most ${BASE_LIMITS[kind]} characters${hint(kind)}`,
      });
  };
  const files = (script: unknown, at: PathSegment[]) => {
    if (!isObject(script)) return;
    items(script.embeddedFiles).forEach((f, i) => {
      if (!isObject(f)) return;
      long(f.name, 'identifier', [...at, 'embeddedFiles', i, 'name']);
      long(f.filename, 'filename', [...at, 'embeddedFiles', i, 'filename']);
    });
  };
  const environment = (e: unknown, at: PathSegment[]) => {
    if (!isObject(e)) return;
    long(e.name, 'environmentName', [...at, 'name']);
    files(e.script, [...at, 'script']);
  };
  const params = items(doc.parameterDefinitions);
  const n = params.length;
  if (!environmentTemplate && n > BASE_LIMITS.parameters)
    problems.push({
      path: 'parameterDefinitions',
      message: `must define at most ${BASE_LIMITS.parameters} parameters${hint('parameters')}`,
    });
  params.forEach((p, i) => {
    if (isObject(p)) long(p.name, 'identifier', ['parameterDefinitions', i, 'name']);
  });
  if (environmentTemplate) environment(doc.environment, ['environment']);
  items(doc.jobEnvironments).forEach((e, i) => environment(e, ['jobEnvironments', i]));
  items(doc.steps).forEach((s, i) => {
    if (!isObject(s)) return;
    long(s.name, 'stepName', ['steps', i, 'name']);
    const space = isObject(s.parameterSpace) ? s.parameterSpace : {};
    items(space.taskParameterDefinitions).forEach((t, j) => {
      if (isObject(t))
        long(t.name, 'identifier', [
          'steps',
          i,
          'parameterSpace',
          'taskParameterDefinitions',
          j,
          'name',
        ]);
    });
    files(s.script, ['steps', i, 'script']);
    items(s.stepEnvironments).forEach((e, j) =>
      environment(e, ['steps', i, 'stepEnvironments', j]),
    );
  });
}

/**
 * `errors` with `base` (from checkBaseLimits) in place of the schema's length and count errors at
 * the same paths, which name the bundle's limits.
 */
export function withBaseLimits(errors: readonly Problem[], base: readonly Problem[]): Problem[] {
  const paths = new Set(base.map((p) => p.path));
  const kept = errors.filter(
    (p) => !(paths.has(p.path) && /^must (?:be|define) at most \d+ /.test(p.message)),
  );
  return [...kept, ...base];
}
