import { z } from 'zod';
import { BUNDLE_LIMITS } from '../bundle-limits.js';
import {
  envVarName,
  description,
  filename,
  formatString,
  identifier,
  numberOrFormatString,
  plainString,
} from './strings.js';
import { letBindings } from './let.js';

/**
 * Actions, embedded files, scripts and environments (2023-09 Template Schemas §3.5, §4, §5, §6).
 */

const SECONDS = 'must be a whole number of seconds';

/** `<Action>` (§5): a command and its arguments, run without a shell. */
export const Action = z.strictObject({
  command: formatString({ min: 1 }),
  // an argument may span lines (a `python -c` script, say): it is passed as is, with no shell
  args: z
    .array(formatString({ allow: '\n\r\t' }))
    .min(1, { error: 'must list at least one argument, or leave args out' })
    .optional(),
  timeout: numberOrFormatString(SECONDS, (n) =>
    !Number.isInteger(n) ? SECONDS : n < 1 ? 'must be at least 1 second' : undefined,
  ).optional(),
  cancelation: z
    .discriminatedUnion('mode', [
      z.strictObject({ mode: z.literal('TERMINATE') }),
      z.strictObject({
        mode: z.literal('NOTIFY_THEN_TERMINATE'),
        notifyPeriodInSeconds: numberOrFormatString(SECONDS, (n) =>
          !Number.isInteger(n)
            ? SECONDS
            : n < 1
              ? 'must be at least 1'
              : n > 600
                ? 'must be at most 600'
                : undefined,
        ).optional(),
      }),
    ])
    .optional(),
});
/** A validated action. */
export type Action = z.infer<typeof Action>;

/** `<EmbeddedFileText>` (§6.1). */
export const EmbeddedFile = z.strictObject({
  name: identifier,
  type: z.literal('TEXT'),
  filename: filename.optional(),
  runnable: z.boolean({ error: 'must be true or false' }).optional(),
  data: formatString({ min: 1, controls: true }),
  // FEATURE_BUNDLE_1 (feature-bundle.ts refuses it without the extension)
  endOfLine: z.enum(['LF', 'CRLF', 'AUTO'], { error: 'must be LF, CRLF or AUTO' }).optional(),
});
/** A validated embedded file. */
export type EmbeddedFile = z.infer<typeof EmbeddedFile>;

const embeddedFiles = z
  .array(EmbeddedFile)
  .min(1, { error: 'must list at least one file, or leave embeddedFiles out' })
  .superRefine((files, ctx) => {
    uniqueBy(files, (f) => f.name, 'name', ctx);
    // Files of one script share a directory: two may not be written to the same name.
    const written = new Map<string, number>();
    files.forEach((f, i) => {
      const as = f.filename ?? f.name;
      const first = written.get(as);
      if (first !== undefined && files[first]?.name !== f.name)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'filename'],
          message: `embeddedFiles[${first}] is also written as "${as}": give each file its own filename`,
        });
      written.set(as, i);
    });
  })
  .optional();

/** `<StepScript>` (§3.5). */
export const StepScript = z.strictObject({
  actions: z.strictObject({ onRun: Action }),
  embeddedFiles,
  let: letBindings.optional(), // EXPR (expr-check.ts refuses it without the extension)
});
/** A validated step script. */
export type StepScript = z.infer<typeof StepScript>;

/** `<Environment>` (§4). */
export const Environment = z
  .strictObject({
    name: plainString(BUNDLE_LIMITS.environmentName), // 64 without FEATURE_BUNDLE_1: bundle-limits.ts
    description: description.optional(),
    script: z
      .strictObject({
        // The spec lists onExit as the optional one; the reference implementation accepts either
        // alone (openjd-model-for-python EnvironmentActions), and so does this.
        actions: z
          .strictObject({ onEnter: Action.optional(), onExit: Action.optional() })
          .refine((a) => a.onEnter !== undefined || a.onExit !== undefined, {
            error: 'must define onEnter, onExit or both',
          }),
        embeddedFiles,
        let: letBindings.optional(),
      })
      .optional(),
    variables: z
      .record(envVarName, formatString({ max: 2048, controls: true }), {
        error: (issue) =>
          issue.code === 'invalid_type'
            ? 'must be a map of variable names to string values'
            : undefined,
      })
      .refine((v) => Object.keys(v).length > 0, {
        error: 'must set at least one variable, or leave variables out',
      })
      .optional(),
  })
  .refine((e) => e.script !== undefined || e.variables !== undefined, {
    error: 'an environment needs a script, variables or both',
  });
/** A validated environment. */
export type Environment = z.infer<typeof Environment>;

/** Adds an issue at each repeat of a key (`name` of embedded files, environments, ...). */
export function uniqueBy<T>(
  items: readonly T[],
  key: (item: T) => string,
  field: string,
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k))
      ctx.addIssue({
        code: 'custom',
        path: [i, field],
        message: `"${k}" is used twice: give each a different ${field}`,
      });
    seen.add(k);
  });
}
