import { z } from 'zod';
import { BUNDLE_LIMITS } from '../bundle-limits.js';
import { hasReferences } from '../format-string.js';
import { CHUNK_INT, ChunkSpec } from './chunks.js';
import { HostRequirements } from './host-requirements.js';
import { intValue } from './parameter-parts.js';
import { letBindings } from './let.js';
import { Environment, StepScript, uniqueBy } from './script.js';
import { description, formatString, identifier, plainString } from './strings.js';

/**
 * Steps and their parameter spaces (2023-09 Template Schemas §3). A task parameter takes its
 * values from `range`, as the spec defines, or, with the CLUSTER_TOOL_MANIFEST_RANGE extension
 * declared, from `manifest` (see `manifest-range.ts`).
 */

const INT_STRING = /^\s*[+-]?\d+\s*$/;
const FLOAT_STRING = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** Where a task parameter's values come from when an earlier step writes them (our extension). */
export const Manifest = z
  .strictObject({
    lines: formatString({ min: 1 }).optional(),
    glob: formatString({ min: 1 }).optional(),
  })
  .refine((m) => (m.lines === undefined) !== (m.glob === undefined), {
    error: 'give exactly one of lines (a file with one value per line) or glob (a file pattern)',
  });
/** A validated manifest source. */
export type Manifest = z.infer<typeof Manifest>;

const listOf = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1, { error: 'must list at least one value' })
    .max(1024, { error: 'must list at most 1024 values' });

/** String literals in a numeric range list must hold a number; format strings wait for their values. */
function numericLiterals(pattern: RegExp, what: string) {
  return (values: readonly (number | string)[], ctx: z.RefinementCtx) =>
    values.forEach((v, i) => {
      if (typeof v === 'string' && !hasReferences(v) && !pattern.test(v))
        ctx.addIssue({ code: 'custom', path: [i], message: `must be ${what}` });
    });
}

/**
 * A list range, or (EXPR, RFC 0007) a string: one `{{ }}` that gives a list, such as
 * `"{{Param.Cameras}}"` of a LIST[STRING] job parameter. expr-type-names.ts refuses the string
 * without EXPR; task-values.ts reads it.
 */
const orListExpr = <T extends z.ZodType>(list: T) =>
  z
    .union([list, formatString({ min: 1 })], {
      error: 'must be a list of values (with EXPR, or one {{ }} expression that gives a list)',
    })
    .optional();

const valueSource = {
  manifest: Manifest.optional(),
};

const intRange = z
  .union(
    [
      listOf(z.union([z.int(), intValue.pipe(z.string()), formatString()])).superRefine(
        numericLiterals(INT_STRING, 'an integer'),
      ),
      formatString({ min: 1 }),
    ],
    {
      error: 'must be a list of integers or a range expression string such as "1-100:2"',
    },
  )
  .optional();

const TaskInt = z.strictObject({
  name: identifier,
  type: z.literal('INT'),
  range: intRange,
  ...valueSource,
});

/** TASK_CHUNKING's CHUNK[INT]: integer values taken a chunk per task (`chunking.ts` checks the rest). */
const TaskChunkInt = z.strictObject({
  name: identifier,
  type: z.literal(CHUNK_INT),
  range: intRange,
  chunks: ChunkSpec.optional(),
  ...valueSource,
});

const TaskFloat = z.strictObject({
  name: identifier,
  type: z.literal('FLOAT'),
  range: orListExpr(
    listOf(z.union([z.number(), formatString()], { error: 'must be a number' })).superRefine(
      numericLiterals(FLOAT_STRING, 'a number'),
    ),
  ),
  ...valueSource,
});

const TaskString = z.strictObject({
  name: identifier,
  type: z.literal('STRING'),
  range: orListExpr(listOf(formatString())),
  ...valueSource,
});

const TaskPath = z.strictObject({
  name: identifier,
  type: z.literal('PATH'),
  // an empty STRING value is a value; an empty PATH names no file or directory
  range: orListExpr(
    listOf(
      formatString().refine((v) => v.length > 0, {
        error: 'must not be empty: a PATH value names a file or directory',
      }),
    ),
  ),
  ...valueSource,
});

/** `<TaskParameterDefinition>` (§3.4.1): exactly one of `range` or `manifest`. */
export const TaskParameter = z
  .discriminatedUnion('type', [TaskInt, TaskFloat, TaskString, TaskPath, TaskChunkInt])
  .superRefine((p, ctx) => {
    if (p.range === undefined && p.manifest === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['range'],
        message: 'is required: list the values the parameter takes',
      });
    if (p.range !== undefined && p.manifest !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['manifest'],
        message: 'give range or manifest, not both',
      });
    if (p.type === CHUNK_INT && p.chunks === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['chunks'],
        message: 'is required for CHUNK[INT]: give defaultTaskCount and rangeConstraint',
      });
    if (p.type === CHUNK_INT && p.manifest !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['manifest'],
        message: 'a CHUNK[INT] parameter takes its values from range: give range instead',
      });
  });
/** A validated task parameter definition. */
export type TaskParameter = z.infer<typeof TaskParameter>;

/** `<StepParameterSpaceDefinition>` (§3.4). */
export const ParameterSpace = z.strictObject({
  taskParameterDefinitions: z
    .array(TaskParameter)
    .min(1, { error: 'must define at least one task parameter' })
    .max(16, { error: 'must define at most 16 task parameters' })
    .superRefine((ps, ctx) => uniqueBy(ps, (p) => p.name, 'name', ctx)),
  combination: z.string({ error: 'must be a string' }).optional(),
});
/** A validated parameter space. */
export type ParameterSpace = z.infer<typeof ParameterSpace>;

const stepName = plainString(BUNDLE_LIMITS.stepName); // 64 without FEATURE_BUNDLE_1: bundle-limits.ts

/** `<StepTemplate>` (§3). */
export const StepTemplate = z
  .strictObject({
    name: stepName,
    description: description.optional(),
    dependencies: z
      .array(z.strictObject({ dependsOn: stepName }))
      .min(1, { error: 'must list at least one dependency, or leave dependencies out' })
      .superRefine((deps, ctx) => uniqueBy(deps, (d) => d.dependsOn, 'dependsOn', ctx))
      .optional(),
    stepEnvironments: z
      .array(Environment)
      .min(1, { error: 'must list at least one environment, or leave stepEnvironments out' })
      .superRefine((envs, ctx) => uniqueBy(envs, (e) => e.name, 'name', ctx))
      .optional(),
    hostRequirements: HostRequirements.optional(),
    parameterSpace: ParameterSpace.optional(),
    let: letBindings.optional(),
    script: StepScript,
  })
  .superRefine((s, ctx) => {
    s.dependencies?.forEach((d, i) => {
      if (d.dependsOn === s.name)
        ctx.addIssue({
          code: 'custom',
          path: ['dependencies', i, 'dependsOn'],
          message: 'a step cannot depend on itself',
        });
    });
  });
/** A validated step. */
export type StepTemplate = z.infer<typeof StepTemplate>;
