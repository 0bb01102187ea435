import { z } from 'zod';
import { BUNDLE_LIMITS } from '../bundle-limits.js';
import { parseFormatString } from '../format-string.js';

/**
 * The constrained strings of 2023-09 Template Schemas §7 and their uses, with messages that say
 * what to change. Lengths and character classes come from the spec text and, where the spec is
 * silent, from openjd-model-for-python `v2023_09/_model.py`.
 */

/**
 * Whether `s` holds a character of the Cc category (C0 controls, DEL, C1 controls; spec §8)
 * other than those in `allow`.
 */
export function hasControlChars(s: string, allow = ''): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if ((c <= 0x1f || (c >= 0x7f && c <= 0x9f)) && !allow.includes(ch)) return true;
  }
  return false;
}
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `<Identifier>`: latin letters, digits and `_`, not starting with a digit, 1–64 characters (512
 * with FEATURE_BUNDLE_1: the schema allows that, bundle-limits.ts holds others to 64).
 */
export const identifier = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(BUNDLE_LIMITS.identifier, {
    error: `must be at most ${BUNDLE_LIMITS.identifier} characters`,
  })
  .regex(IDENTIFIER, {
    error: 'must be an identifier: latin letters, digits and _, not starting with a digit',
  });

/** A string of 1–`max` characters without control characters (names, labels, commands). */
export function plainString(max: number) {
  return z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .refine((s) => !hasControlChars(s), {
      error: 'must not contain control characters (tab, newline, ...)',
    });
}

/** `<Description>`: 1–2048 characters; newline, carriage return and tab allowed. */
export const description = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty; leave description out instead' })
  .max(2048, { error: 'must be at most 2048 characters' })
  .refine((s) => !hasControlChars(s, '\n\r\t'), { error: 'must not contain control characters' });

/** `<JobParameterStringValue>`: any characters, at most 1024. */
export const parameterString = z
  .string({ error: 'must be a string (quote it in YAML)' })
  .max(1024, { error: 'must be at most 1024 characters' });

/** A format string (§7.3) with the given length bounds and, unless `controls`, no control characters but those in `allow`. */
export function formatString(
  opts: { min?: number; max?: number; controls?: boolean; allow?: string } = {},
) {
  let s = z.string({ error: 'must be a string (quote it in YAML)' });
  if (opts.min) s = s.min(opts.min, { error: `must be at least ${opts.min} character(s)` });
  if (opts.max) s = s.max(opts.max, { error: `must be at most ${opts.max} characters` });
  return s
    .refine((v) => opts.controls === true || !hasControlChars(v, opts.allow), {
      error: 'must not contain control characters (tab, newline, ...)',
    })
    .superRefine((v, ctx) => {
      const parsed = parseFormatString(v);
      if ('error' in parsed)
        ctx.addIssue({ code: 'custom', message: `not a valid format string: ${parsed.error}` });
    });
}

/** `<EnvironmentVariableNameString>` (§4.4.1). */
export const envVarName = z
  .string()
  .max(256, { error: 'must be at most 256 characters' })
  .regex(IDENTIFIER, {
    error:
      'must be an environment variable name: latin letters, digits and _, not starting with a digit',
  });

/** `<FileDialogFilterPatternStringValue>` (§2.8): `*`, `*.*` or `*.ext`. */
export const filterPattern = z
  .string({ error: 'must be a string' })
  .min(1)
  .max(20, { error: 'must be at most 20 characters' })
  .refine(
    (s) => /^(?:\*|\*\.\*|\*\.[^\\/*?[\]#%&{}<>$!'":@`|=]+)$/.test(s) && !hasControlChars(s),
    {
      error: 'must be "*", "*.*" or "*.EXT" with no path, wildcard or shell characters in EXT',
    },
  );

/** `<Filename>` (§6.1.1): a bare file name, 1–64 characters (256 with FEATURE_BUNDLE_1; as identifier). */
export const filename = z
  .string({ error: 'must be a string' })
  .min(1)
  .max(BUNDLE_LIMITS.filename, { error: `must be at most ${BUNDLE_LIMITS.filename} characters` })
  .refine((s) => !/[/\\\0]/.test(s) && s !== '.' && s !== '..', {
    error: 'must be a file name only, without directories (foo.txt, not dir/foo.txt)',
  });

/**
 * A number field that FEATURE_BUNDLE_1 lets be a format string (`numeric-fields.ts` refuses that
 * without the extension and resolves it at submission): `check` says why a number is not one.
 */
export function numberOrFormatString(typeError: string, check: (n: number) => string | undefined) {
  return z.union([z.number(), z.string()], { error: typeError }).superRefine((v, ctx) => {
    if (typeof v === 'string') {
      const parsed = parseFormatString(v);
      if ('error' in parsed)
        ctx.addIssue({ code: 'custom', message: `not a valid format string: ${parsed.error}` });
      return;
    }
    const why = check(v);
    if (why) ctx.addIssue({ code: 'custom', message: why });
  });
}
