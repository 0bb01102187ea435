import { z } from 'zod';
import { BOOL_SPELLINGS, toBool } from '../values.js';
import { common, fileFilter, floatValue, intValue, uiCommon } from './parameter-parts.js';
import { parameterString } from './strings.js';

/**
 * The job parameter types the EXPR extension adds besides BOOL (RFC 0007): RANGE_EXPR and the
 * lists `LIST[STRING|PATH|INT|FLOAT|BOOL]` and `LIST[LIST[INT]]`. `minLength`/`maxLength` count a
 * list's items; `item` constrains each item as the scalar type's own fields would. Cross-field
 * rules (the default inside them) live in `parameter-rules.ts`; validate.ts refuses these types
 * without EXPR.
 */

const count = z.int({ error: 'must be an integer' }).optional();
const listBounds = { minLength: count, maxLength: count };
const allowed = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, { error: 'must list at least one value, or leave it out' }).optional();
const hiddenOr = <T extends readonly [string, ...string[]]>(controls: T, more = {}) =>
  z.strictObject({ control: z.enum(controls).optional(), ...uiCommon, ...more }).optional();

/** A list value: JSON/YAML list syntax; each item as the item type takes it. */
const listOf = <T extends z.ZodType>(item: T) =>
  z.array(item, { error: 'must be a list, such as [a, b]' });

const stringItem = z
  .strictObject({ allowedValues: allowed(parameterString), ...listBounds })
  .optional();
const intItemBounds = z
  .strictObject({
    allowedValues: allowed(intValue),
    minValue: intValue.optional(),
    maxValue: intValue.optional(),
  })
  .optional();

/** `<JobRangeExprParameterDefinition>`: a string in the `<IntRangeExpr>` grammar. */
export const RangeExprParameter = z.strictObject({
  ...common,
  type: z.literal('RANGE_EXPR'),
  default: parameterString.optional(),
  ...listBounds,
  userInterface: hiddenOr(['LINE_EDIT', 'HIDDEN']),
});

/** `<JobListStringParameterDefinition>`. */
export const ListStringParameter = z.strictObject({
  ...common,
  type: z.literal('LIST[STRING]'),
  default: listOf(parameterString).optional(),
  ...listBounds,
  item: stringItem,
  userInterface: hiddenOr(['LINE_EDIT_LIST', 'HIDDEN']),
});

/** `<JobListPathParameterDefinition>`: each item is joined and mapped as a PATH value is. */
export const ListPathParameter = z.strictObject({
  ...common,
  type: z.literal('LIST[PATH]'),
  objectType: z.enum(['FILE', 'DIRECTORY']).optional(),
  dataFlow: z.enum(['NONE', 'IN', 'OUT', 'INOUT']).optional(),
  default: listOf(parameterString).optional(),
  ...listBounds,
  item: stringItem,
  userInterface: hiddenOr(
    ['CHOOSE_INPUT_FILE_LIST', 'CHOOSE_OUTPUT_FILE_LIST', 'CHOOSE_DIRECTORY_LIST', 'HIDDEN'],
    {
      fileFilters: z.array(fileFilter).min(1).max(20).optional(),
      fileFilterDefault: fileFilter.optional(),
    },
  ),
});

/** `<JobListIntParameterDefinition>`. */
export const ListIntParameter = z.strictObject({
  ...common,
  type: z.literal('LIST[INT]'),
  default: listOf(intValue).optional(),
  ...listBounds,
  item: intItemBounds,
  userInterface: hiddenOr(['SPIN_BOX_LIST', 'HIDDEN'], {
    singleStepDelta: z.int().positive({ error: 'must be a positive integer' }).optional(),
  }),
});

/** `<JobListFloatParameterDefinition>`. */
export const ListFloatParameter = z.strictObject({
  ...common,
  type: z.literal('LIST[FLOAT]'),
  default: listOf(floatValue).optional(),
  ...listBounds,
  item: z
    .strictObject({
      allowedValues: allowed(floatValue),
      minValue: floatValue.optional(),
      maxValue: floatValue.optional(),
    })
    .optional(),
  userInterface: hiddenOr(['SPIN_BOX_LIST', 'HIDDEN'], {
    decimals: z.int().positive({ error: 'must be a positive integer' }).optional(),
    singleStepDelta: z.number().positive({ error: 'must be a positive number' }).optional(),
  }),
});

const boolItem = z
  .union([z.boolean(), z.number(), z.string()], { error: `must be ${BOOL_SPELLINGS}` })
  .refine((v) => toBool(v) !== undefined, { error: `must be ${BOOL_SPELLINGS}` });

/** `<JobListBoolParameterDefinition>`: no `item` (a bool has nothing to constrain). */
export const ListBoolParameter = z.strictObject({
  ...common,
  type: z.literal('LIST[BOOL]'),
  default: listOf(boolItem).optional(),
  ...listBounds,
  userInterface: hiddenOr(['CHECK_BOX_LIST', 'HIDDEN']),
});

/** `<JobListListIntParameterDefinition>`: the one nested list type (no deeper nesting). */
export const ListListIntParameter = z.strictObject({
  ...common,
  type: z.literal('LIST[LIST[INT]]'),
  default: listOf(listOf(intValue)).optional(),
  ...listBounds,
  item: z.strictObject({ ...listBounds, item: intItemBounds }).optional(),
  userInterface: hiddenOr(['HIDDEN']),
});
