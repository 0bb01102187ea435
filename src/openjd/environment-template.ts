import { z } from 'zod';
import { EXPR_EXTENSION, checkExtensions } from './extensions.js';
import { checkBaseLimits, withBaseLimits } from './bundle-limits.js';
import { checkEndOfLine, FEATURE_BUNDLE_1 } from './feature-bundle.js';
import { environmentSites } from './format-sites.js';
import { checkLetNeedsExpr } from './expr-check.js';
import { checkExprOnlyTypes, withUpperTypeNames } from './expr-type-names.js';
import { checkEnvironmentLet } from './let-check.js';
import { checkNumericFields } from './numeric-fields.js';
import { checkParameterDefinition } from './parameter-rules.js';
import type { Problem } from './problem.js';
import { checkReferences, paramInfos, type ParamInfo } from './references.js';
import { parseWith } from './schema/issues.js';
import { JobParameterDefinition } from './schema/parameters.js';
import { Environment } from './schema/script.js';
import { checkUnique, rawName } from './template-rules.js';

/**
 * Environment templates (2023-09 Template Schemas §1.2): an environment kept apart from any job
 * template, with parameter definitions of its own that merge with the job's (see
 * `parameter-merge.ts`). Deadline Cloud's queue environments are these; here they come from
 * `submit openjd --env` and the coordinator's queue-wide list (`cluster-tool env`).
 */

export const ENVIRONMENT_VERSION = 'environment-2023-09';

const EnvironmentRoot = z.strictObject({
  specificationVersion: z.literal(ENVIRONMENT_VERSION),
  $schema: z.string().optional(),
  extensions: z.array(z.unknown(), { error: 'must be a list of extension names' }).optional(),
  parameterDefinitions: z
    .array(z.unknown(), { error: 'must be a list of parameter definitions' })
    .min(1, { error: 'must define at least one parameter, or leave parameterDefinitions out' })
    .max(50, { error: 'must define at most 50 parameters' })
    .optional(),
  environment: z.unknown(),
});

/** An environment template that passed validation. */
export interface EnvironmentTemplate {
  specificationVersion: typeof ENVIRONMENT_VERSION;
  parameterDefinitions?: JobParameterDefinition[];
  environment: Environment;
}

/** Validates a parsed environment template document, collecting every problem. */
export function validateEnvironmentTemplate(doc: unknown): {
  template?: EnvironmentTemplate;
  errors: Problem[];
} {
  const errors: Problem[] = [];
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    return {
      errors: [{ path: '(template)', message: 'must be a mapping (YAML) or object (JSON)' }],
    };
  const raw = doc as Record<string, unknown>;
  if (raw.specificationVersion !== ENVIRONMENT_VERSION) {
    const v = raw.specificationVersion;
    const message =
      v === undefined
        ? `is required: set it to ${ENVIRONMENT_VERSION}`
        : v === 'jobtemplate-2023-09'
          ? `this is a Job Template; give an Environment Template (${ENVIRONMENT_VERSION})`
          : `${JSON.stringify(v)} is not a revision this tool reads: set it to ${ENVIRONMENT_VERSION}`;
    return { errors: [{ path: 'specificationVersion', message }] };
  }
  const root = parseWith(EnvironmentRoot, doc, [], errors);
  const extensions = checkExtensions(
    Array.isArray(raw.extensions) ? raw.extensions : undefined,
    errors,
  );
  checkEndOfLine(raw, extensions.includes(FEATURE_BUNDLE_1), errors);
  const defs = extensions.includes(EXPR_EXTENSION) ? withUpperTypeNames(raw) : raw;
  if (!extensions.includes(EXPR_EXTENSION)) checkExprOnlyTypes(raw.parameterDefinitions, errors);
  const list = Array.isArray(defs.parameterDefinitions) ? defs.parameterDefinitions : [];
  const params = list.map((p, i) =>
    parseWith(JobParameterDefinition, p, ['parameterDefinitions', i], errors),
  );
  params.forEach((p, i) => p && checkParameterDefinition(p, i, errors));
  checkUnique(list.map(rawName), 'parameterDefinitions', errors);
  if (raw.environment === undefined)
    errors.push({
      path: 'environment',
      message: 'is required: the environment this template defines',
    });
  const env =
    raw.environment === undefined
      ? undefined
      : parseWith(Environment, raw.environment, ['environment'], errors);
  const infos = paramInfos(list);
  if (env)
    for (const site of environmentSites(env, ['environment']))
      checkReferences(
        site.value,
        site.path,
        infos,
        site.context,
        errors,
        extensions.includes(EXPR_EXTENSION),
      );
  checkNumericFields(
    raw,
    extensions.includes(FEATURE_BUNDLE_1),
    infos,
    extensions.includes(EXPR_EXTENSION),
    errors,
  );
  if (!extensions.includes(EXPR_EXTENSION)) checkLetNeedsExpr(raw, errors);
  else if (env) checkEnvironmentLet(env, ['environment'], infos, errors);
  const base: Problem[] = [];
  if (!extensions.includes(FEATURE_BUNDLE_1)) checkBaseLimits(raw, base, true);
  if (errors.length || base.length || !root || !env)
    return { errors: withBaseLimits(errors, base) };
  return {
    template: {
      specificationVersion: ENVIRONMENT_VERSION,
      ...(params.length ? { parameterDefinitions: params as JobParameterDefinition[] } : {}),
      environment: env,
    },
    errors: [],
  };
}

/** The job parameters an environment template document defines, for the job template's references. */
export function environmentParameters(doc: unknown): ParamInfo[] {
  const defs = (doc as Record<string, unknown> | null)?.parameterDefinitions;
  return Array.isArray(defs) ? paramInfos(defs) : [];
}
