import type { z } from 'zod';

/** Parses a body against a schema; the message names the first bad field and what it expects. */
export function parseWire<T>(
  schema: z.ZodType<T>,
  body: unknown,
  what: string,
): { ok: true; value: T } | { ok: false; error: string } {
  const r = schema.safeParse(body ?? {});
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  return { ok: false, error: `${what}: ${where}: ${issue?.message ?? 'invalid'}` };
}
