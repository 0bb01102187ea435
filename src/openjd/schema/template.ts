import { z } from 'zod';
import { BUNDLE_LIMITS } from '../bundle-limits.js';
import type { JobParameterDefinition } from './parameters.js';
import type { Environment } from './script.js';
import type { StepTemplate } from './step.js';
import { description, formatString } from './strings.js';

/** The one specification revision this library reads. */
export const SPECIFICATION_VERSION = 'jobtemplate-2023-09';

/**
 * The root of a job template (2023-09 Template Schemas §1.1), with its lists left unparsed so
 * each element is checked on its own and one bad step does not hide the problems of the others.
 * `extensions` comes from RFC 0002 "Model Extensions" (openjd-specifications `rfcs/`), which
 * added it to 2023-09 templates after the stored schema text was written.
 */
export const TemplateRoot = z.strictObject({
  specificationVersion: z.literal(SPECIFICATION_VERSION),
  $schema: z.string().optional(),
  extensions: z.array(z.unknown(), { error: 'must be a list of extension names' }).optional(),
  name: formatString({ min: 1 }),
  description: description.optional(),
  parameterDefinitions: z
    .array(z.unknown(), { error: 'must be a list of parameter definitions' })
    .min(1, { error: 'must define at least one parameter, or leave parameterDefinitions out' })
    // 50 without FEATURE_BUNDLE_1: bundle-limits.ts
    .max(BUNDLE_LIMITS.parameters, {
      error: `must define at most ${BUNDLE_LIMITS.parameters} parameters`,
    })
    .optional(),
  jobEnvironments: z
    .array(z.unknown(), { error: 'must be a list of environments' })
    .min(1, { error: 'must list at least one environment, or leave jobEnvironments out' })
    .optional(),
  steps: z
    .array(z.unknown(), { error: 'must be a list of steps' })
    .min(1, { error: 'must list at least one step' }),
});

/** A job template that passed validation. */
export interface JobTemplate {
  specificationVersion: typeof SPECIFICATION_VERSION;
  $schema?: string;
  extensions?: string[];
  name: string;
  description?: string;
  parameterDefinitions?: JobParameterDefinition[];
  jobEnvironments?: Environment[];
  steps: StepTemplate[];
}
