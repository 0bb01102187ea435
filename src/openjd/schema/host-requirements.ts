import { z } from 'zod';
import { parseFormatString } from '../format-string.js';
import { formatString, numberOrFormatString } from './strings.js';

/**
 * `<HostRequirements>` (2023-09 Template Schemas §3.3). Capability names follow
 * openjd-model-for-python `_capabilities.py`: `[vendor:]amount.a.b` / `[vendor:]attr.a.b`, compared
 * case-insensitively; the scopes worker, job, step and task are reserved for the spec's own names.
 */

const STANDARD_AMOUNTS = [
  'amount.worker.vcpu',
  'amount.worker.memory',
  'amount.worker.gpu',
  'amount.worker.gpu.memory',
  'amount.worker.disk.scratch',
];
const STANDARD_ATTRIBUTES: Record<string, string[]> = {
  'attr.worker.os.family': ['linux', 'windows', 'macos'],
  'attr.worker.cpu.arch': ['x86_64', 'arm64'],
};
const RESERVED = ['worker', 'job', 'step', 'task'];
const ATTRIBUTE_VALUE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Why a capability name (resolved, if it was a format string) is not one, or undefined. A name
 * may be a format string (§3.3.1.1, §3.3.2.1): it is then checked here once resolved, at job
 * creation (`slurm-resources.ts`).
 */
export function capabilityNameProblem(prefix: 'amount' | 'attr', raw: string): string | undefined {
  const standard = prefix === 'amount' ? STANDARD_AMOUNTS : Object.keys(STANDARD_ATTRIBUTES);
  const pattern = new RegExp(`^(?:[a-z_][a-z0-9_]*:)?${prefix}(?:\\.[a-z_][a-z0-9_]*)+$`);
  if (raw.length > 100) return 'must be at most 100 characters';
  const name = raw.toLowerCase();
  if (!pattern.test(name))
    return `must look like ${prefix}.NAME[.NAME...], optionally with a VENDOR: prefix (for example ${standard[0]})`;
  const bare = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
  if (standard.includes(name)) return undefined;
  const scope = bare.split('.')[1] ?? '';
  if (RESERVED.includes(scope))
    return `${prefix}.${scope}.* names are reserved for the spec's own capabilities (${standard.filter((s) => s.startsWith(`${prefix}.${scope}.`)).join(', ') || 'none'}); choose another scope`;
  return undefined;
}

/** Whether a custom attribute's value (resolved) is one (§3.3.2.2). */
export function attributeValueProblem(v: string): string | undefined {
  return !ATTRIBUTE_VALUE.test(v) || v.length > 100
    ? 'must be latin letters, digits, _ and -, starting with a letter or _, at most 100 characters'
    : undefined;
}

function capabilityName(prefix: 'amount' | 'attr') {
  return z
    .string({ error: 'must be a string' })
    .min(1)
    .max(1024, { error: 'must be at most 1024 characters' })
    .superRefine((raw, ctx) => {
      if (raw.includes('{{')) {
        const parsed = parseFormatString(raw);
        if ('error' in parsed)
          ctx.addIssue({ code: 'custom', message: `not a valid format string: ${parsed.error}` });
        return; // the name it resolves to is checked at job creation
      }
      const why = capabilityNameProblem(prefix, raw);
      if (why) ctx.addIssue({ code: 'custom', message: why });
    });
}

const attributeValues = z
  .array(formatString({ min: 1 }))
  .min(1, { error: 'must list at least one value' })
  .max(50, { error: 'must list at most 50 values' });

const Amount = z
  .strictObject({
    name: capabilityName('amount'),
    min: numberOrFormatString('must be a number', (n) =>
      n < 0 ? 'must be zero or more' : undefined,
    ).optional(),
    max: numberOrFormatString('must be a number', (n) =>
      n > 0 ? undefined : 'must be more than zero',
    ).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.min === undefined && a.max === undefined)
      ctx.addIssue({ code: 'custom', message: 'give min, max or both' });
    // format strings (FEATURE_BUNDLE_1) are compared once resolved (numeric-fields.ts)
    if (typeof a.min === 'number' && typeof a.max === 'number' && a.max < a.min)
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'must be at least min' });
  });

const Attribute = z
  .strictObject({
    name: capabilityName('attr'),
    anyOf: attributeValues.optional(),
    allOf: attributeValues.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.anyOf === undefined && a.allOf === undefined)
      ctx.addIssue({ code: 'custom', message: 'give anyOf, allOf or both' });
    const known = STANDARD_ATTRIBUTES[a.name.toLowerCase()];
    for (const key of ['anyOf', 'allOf'] as const) {
      const values = a[key] ?? [];
      if (known && key === 'allOf' && values.length > 1)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${a.name} has one value per host: use anyOf`,
        });
      values.forEach((v, i) => {
        if (v.includes('{{')) return; // checked once its references are resolved
        if (known && !known.includes(v.toLowerCase()))
          ctx.addIssue({
            code: 'custom',
            path: [key, i],
            message: `must be one of ${known.join(', ')}`,
          });
        else if (!known && attributeValueProblem(v))
          ctx.addIssue({ code: 'custom', path: [key, i], message: attributeValueProblem(v) ?? '' });
      });
    }
  });

/** `<HostRequirements>`: validated for form; this tool does not place tasks by them. */
export const HostRequirements = z
  .strictObject({
    amounts: z
      .array(Amount)
      .min(1, { error: 'must list at least one amount, or leave amounts out' })
      .optional(),
    attributes: z
      .array(Attribute)
      .min(1, { error: 'must list at least one attribute, or leave attributes out' })
      .optional(),
  })
  .superRefine((h, ctx) => {
    const n = (h.amounts?.length ?? 0) + (h.attributes?.length ?? 0);
    if (n === 0)
      ctx.addIssue({
        code: 'custom',
        message: 'give amounts, attributes or both, or leave hostRequirements out',
      });
    if (n > 50)
      ctx.addIssue({ code: 'custom', message: `has ${n} requirements; at most 50 are allowed` });
    // capability names are case-insensitive: AMOUNT.WORKER.VCPU is amount.worker.vcpu again
    for (const key of ['amounts', 'attributes'] as const) {
      const seen = new Map<string, number>();
      (h[key] ?? []).forEach((c, i) => {
        const name = c.name.toLowerCase();
        if (name.includes('{{')) return; // compared once resolved, at job creation
        const first = seen.get(name);
        if (first === undefined) seen.set(name, i);
        else
          ctx.addIssue({
            code: 'custom',
            path: [key, i, 'name'],
            message: `names the same capability as ${key}[${first}] (names are case-insensitive): give each once`,
          });
      });
    }
  });
/** Validated host requirements. */
export type HostRequirements = z.infer<typeof HostRequirements>;
