import { capabilityWarnings } from './capabilities.js';
import { TASK_CHUNKING_EXTENSION, checkChunkExtension, checkChunkParameters } from './chunking.js';
import { checkLetNeedsExpr } from './expr-check.js';
import {
  checkExprOnlyTypes,
  checkListRangesNeedExpr,
  withUpperTypeNames,
} from './expr-type-names.js';
import { EXPR_EXTENSION, MANIFEST_RANGE_EXTENSION, checkExtensions } from './extensions.js';
import { checkBaseLimits, withBaseLimits } from './bundle-limits.js';
import {
  checkEndOfLine,
  FEATURE_BUNDLE_1,
  normalizeSimpleActions,
  windowsOnlyActions,
} from './feature-bundle.js';
import { environmentSites, stepSites } from './format-sites.js';
import { checkManifestParameters } from './manifest-range.js';
import { atSimpleActions, checkEnvironmentLet, checkStepLets } from './let-check.js';
import { checkNumericFields } from './numeric-fields.js';
import { checkParameterDefinition } from './parameter-rules.js';
import type { Problem } from './problem.js';
import { checkReferences, paramInfos, type ParamInfo } from './references.js';
import { parseWith } from './schema/issues.js';
import { JobParameterDefinition } from './schema/parameters.js';
import { Environment } from './schema/script.js';
import { ParameterSpace, StepTemplate } from './schema/step.js';
import { SPECIFICATION_VERSION, TemplateRoot, type JobTemplate } from './schema/template.js';
import { checkParameterSpace } from './space-rules.js';
import { checkSteps, checkUnique, rawLinks, rawName } from './template-rules.js';

/** The outcome of validating a job template: the template when there are no errors. */
export interface ValidationResult {
  template?: JobTemplate;
  errors: Problem[];
  /** Capabilities the template uses that this tool does not build, and similar notes. */
  warnings: Problem[];
}

/**
 * Validates a parsed YAML/JSON document against the jobtemplate-2023-09 schema and its rules,
 * collecting every problem it can find (each list element is checked on its own, so one bad step
 * does not hide the others' problems).
 */
export function validateTemplate(
  doc: unknown,
  /** Parameters the environment templates submitted with it define (§1.2.1): it may use them. */
  outside: readonly ParamInfo[] = [],
): ValidationResult {
  const errors: Problem[] = [];
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    return {
      errors: [
        { path: '(template)', message: 'a job template must be a mapping (YAML) or object (JSON)' },
      ],
      warnings: [],
    };
  const version = (doc as Record<string, unknown>).specificationVersion;
  if (version !== SPECIFICATION_VERSION) {
    const message =
      version === undefined
        ? `is required: set it to ${SPECIFICATION_VERSION}`
        : version === 'environment-2023-09'
          ? `this is an Environment Template; give a Job Template (${SPECIFICATION_VERSION})`
          : `${JSON.stringify(version)} is not a revision this tool reads: set it to ${SPECIFICATION_VERSION}`;
    return { errors: [{ path: 'specificationVersion', message }], warnings: [] };
  }
  const root = parseWith(TemplateRoot, doc, [], errors);
  const given = doc as Record<string, unknown>;
  const extensions = checkExtensions(
    Array.isArray(given.extensions) ? given.extensions : undefined,
    errors,
  );
  const bundled = extensions.includes(FEATURE_BUNDLE_1);
  const named = extensions.includes(EXPR_EXTENSION) ? withUpperTypeNames(given) : given;
  const raw = normalizeSimpleActions(named, bundled, errors);
  checkEndOfLine(raw, bundled, errors);
  // on the template as written, so a simple action's `let` is named where it stands
  if (!extensions.includes(EXPR_EXTENSION)) {
    checkLetNeedsExpr(given, errors);
    checkExprOnlyTypes(given.parameterDefinitions, errors);
    checkListRangesNeedExpr(given.steps, errors);
  }
  const list = (key: string): unknown[] => (Array.isArray(raw[key]) ? (raw[key] as unknown[]) : []);

  const params = list('parameterDefinitions').map((p, i) =>
    parseWith(JobParameterDefinition, p, ['parameterDefinitions', i], errors),
  );
  const jobEnvs = list('jobEnvironments').map((e, i) =>
    parseWith(Environment, e, ['jobEnvironments', i], errors),
  );
  const steps = list('steps').map((s, i) => parseWith(StepTemplate, s, ['steps', i], errors));

  params.forEach((p, i) => p && checkParameterDefinition(p, i, errors));
  checkUnique(list('parameterDefinitions').map(rawName), 'parameterDefinitions', errors);
  checkUnique(list('jobEnvironments').map(rawName), 'jobEnvironments', errors);
  checkSteps(steps, list('steps').map(rawLinks), jobEnvs, errors);
  const declared = extensions.includes(MANIFEST_RANGE_EXTENSION);
  checkChunkExtension(list('steps'), extensions.includes(TASK_CHUNKING_EXTENSION), errors);
  steps.forEach((s, i) => {
    if (s) {
      checkParameterSpace(s.parameterSpace, i, errors);
      checkManifestParameters(s, i, declared, errors);
      checkChunkParameters(s, i, errors);
      return;
    }
    // A step with other problems: still check its parameter space if that part is well formed.
    const space = ParameterSpace.safeParse(
      (list('steps')[i] as Record<string, unknown> | null)?.parameterSpace,
    );
    if (space.success) checkParameterSpace(space.data, i, errors);
  });

  const infos = paramInfos(list('parameterDefinitions'));
  for (const p of outside) if (!infos.some((q) => q.name === p.name)) infos.push(p);
  const expr = extensions.includes(EXPR_EXTENSION);
  if (typeof raw.name === 'string')
    checkReferences(raw.name, 'name', infos, { where: 'submission', jobName: true }, errors, expr);
  if (expr) {
    jobEnvs.forEach((e, i) => e && checkEnvironmentLet(e, ['jobEnvironments', i], infos, errors));
    steps.forEach((s, i) => s && checkStepLets(s, i, infos, errors));
  }
  const sites = [
    ...jobEnvs.flatMap((e, i) => (e ? environmentSites(e, ['jobEnvironments', i]) : [])),
    ...steps.flatMap((s, i) => (s ? stepSites(s, i) : [])),
  ];
  for (const site of sites)
    checkReferences(site.value, site.path, infos, site.context, errors, expr);
  checkNumericFields(raw, bundled, infos, expr, errors);

  const base: Problem[] = [];
  if (!bundled) checkBaseLimits(raw, base);
  if (errors.length > 0 || base.length > 0 || !root)
    return { errors: dedupe(atSimpleActions(given, withBaseLimits(errors, base))), warnings: [] };
  const template: JobTemplate = {
    ...(root as Omit<
      JobTemplate,
      'parameterDefinitions' | 'jobEnvironments' | 'steps' | 'extensions'
    >),
    ...(root.extensions ? { extensions } : {}),
    ...(root.parameterDefinitions
      ? { parameterDefinitions: params as JobTemplate['parameterDefinitions'] }
      : {}),
    ...(root.jobEnvironments ? { jobEnvironments: jobEnvs as JobTemplate['jobEnvironments'] } : {}),
    steps: steps as StepTemplate[],
  };
  return {
    template,
    errors: [],
    warnings: [...capabilityWarnings(template), ...windowsOnlyActions(given)],
  };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\n${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
