import { z } from 'zod';
import { BOOL_SPELLINGS, toBool } from '../values.js';
import {
  ListBoolParameter,
  ListFloatParameter,
  ListIntParameter,
  ListListIntParameter,
  ListPathParameter,
  ListStringParameter,
  RangeExprParameter,
} from './list-parameters.js';
import { common, fileFilter, floatValue, intValue, uiCommon } from './parameter-parts.js';
import { parameterString } from './strings.js';

/**
 * Job parameter definitions (2023-09 Template Schemas §2): their shape. Cross-field rules
 * (minValue ≤ maxValue, the default among allowedValues, ...) live in `parameter-rules.ts`.
 * `userInterface` is checked for shape and otherwise ignored: there is no submission GUI here.
 */

const stringBounds = {
  minLength: z.int({ error: 'must be an integer' }).optional(),
  maxLength: z.int({ error: 'must be an integer' }).optional(),
  allowedValues: z
    .array(parameterString)
    .min(1, { error: 'must list at least one value, or leave it out' })
    .optional(),
  default: parameterString.optional(),
};

/** `<JobStringParameterDefinition>` (§2.1). */
export const StringParameter = z.strictObject({
  ...common,
  type: z.literal('STRING'),
  ...stringBounds,
  userInterface: z
    .strictObject({
      control: z
        .enum(['LINE_EDIT', 'MULTILINE_EDIT', 'DROPDOWN_LIST', 'CHECK_BOX', 'HIDDEN'])
        .optional(),
      ...uiCommon,
    })
    .optional(),
});

/** `<JobPathParameterDefinition>` (§2.2). */
export const PathParameter = z.strictObject({
  ...common,
  type: z.literal('PATH'),
  ...stringBounds,
  objectType: z.enum(['FILE', 'DIRECTORY']).optional(),
  dataFlow: z.enum(['NONE', 'IN', 'OUT', 'INOUT']).optional(),
  userInterface: z
    .strictObject({
      control: z
        .enum([
          'CHOOSE_INPUT_FILE',
          'CHOOSE_OUTPUT_FILE',
          'CHOOSE_DIRECTORY',
          'DROPDOWN_LIST',
          'HIDDEN',
        ])
        .optional(),
      ...uiCommon,
      fileFilters: z
        .array(fileFilter)
        .min(1)
        .max(20, { error: 'must have at most 20 filters' })
        .optional(),
      fileFilterDefault: fileFilter.optional(),
    })
    .optional(),
});

/** `<JobIntParameterDefinition>` (§2.3). */
export const IntParameter = z.strictObject({
  ...common,
  type: z.literal('INT'),
  minValue: intValue.optional(),
  maxValue: intValue.optional(),
  allowedValues: z
    .array(intValue)
    .min(1, { error: 'must list at least one value, or leave it out' })
    .optional(),
  default: intValue.optional(),
  userInterface: z
    .strictObject({
      control: z.enum(['SPIN_BOX', 'DROPDOWN_LIST', 'HIDDEN']).optional(),
      ...uiCommon,
      singleStepDelta: z.int().positive({ error: 'must be a positive integer' }).optional(),
    })
    .optional(),
});

/** `<JobFloatParameterDefinition>` (§2.4). */
export const FloatParameter = z.strictObject({
  ...common,
  type: z.literal('FLOAT'),
  minValue: floatValue.optional(),
  maxValue: floatValue.optional(),
  allowedValues: z
    .array(floatValue)
    .min(1, { error: 'must list at least one value, or leave it out' })
    .optional(),
  default: floatValue.optional(),
  userInterface: z
    .strictObject({
      control: z.enum(['SPIN_BOX', 'DROPDOWN_LIST', 'HIDDEN']).optional(),
      ...uiCommon,
      decimals: z.int().positive({ error: 'must be a positive integer' }).optional(),
      singleStepDelta: z.number().positive({ error: 'must be a positive number' }).optional(),
    })
    .optional(),
});

/**
 * `<JobBoolParameterDefinition>` (the EXPR extension; validate.ts refuses it without EXPR). It has
 * no allowedValues: only true or only false would mean nothing to choose.
 */
export const BoolParameter = z.strictObject({
  ...common,
  type: z.literal('BOOL'),
  default: z
    .union([z.boolean(), z.number(), z.string()], { error: `must be ${BOOL_SPELLINGS}` })
    .refine((v) => toBool(v) !== undefined, { error: `must be ${BOOL_SPELLINGS}` })
    .optional(),
  userInterface: z
    .strictObject({ control: z.enum(['CHECK_BOX', 'HIDDEN']).optional(), ...uiCommon })
    .optional(),
});

/** `<JobParameterDefinition>`: one of these, chosen by `type`. */
export const JobParameterDefinition = z.discriminatedUnion('type', [
  StringParameter,
  PathParameter,
  IntParameter,
  FloatParameter,
  BoolParameter,
  RangeExprParameter,
  ListStringParameter,
  ListPathParameter,
  ListIntParameter,
  ListFloatParameter,
  ListBoolParameter,
  ListListIntParameter,
]);

/** A validated job parameter definition. */
export type JobParameterDefinition = z.infer<typeof JobParameterDefinition>;

/** The type of a job or task parameter. */
export type ParameterType = JobParameterDefinition['type'];

/** Every job parameter type, as the schema spells it (upper case). */
export const PARAMETER_TYPES = JobParameterDefinition.options.map((o) => o.shape.type.value) as [
  ParameterType,
  ...ParameterType[],
];
