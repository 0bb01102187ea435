import type { z } from 'zod';
import { formatPath, type PathSegment, type Problem } from '../problem.js';

/**
 * Turns zod's issues into problems with the template's JSON path and a message that says what to
 * change. Schemas carry their own messages for the common cases; these cover the rest.
 */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  base: readonly PathSegment[],
  input: unknown,
): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const at = [...base, ...(issue.path as PathSegment[])];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({
          path: formatPath([...at, key]),
          message:
            'is not a property here in jobtemplate-2023-09: remove it or correct its spelling',
        });
      continue;
    }
    if (
      issue.code === 'invalid_type' &&
      valueAt(input, issue.path as PathSegment[]) === undefined
    ) {
      out.push({ path: formatPath(at), message: 'is required: add it' });
      continue;
    }
    out.push({ path: formatPath(at), message: messageFor(issue) });
  }
  return out;
}

function messageFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_union': {
      const u = issue as { note?: string; options?: unknown[] };
      if (u.note === 'No matching discriminator' && u.options)
        return `must be one of ${u.options.map(String).join(', ')}`;
      return issue.message === 'Invalid input' ? 'has the wrong form' : issue.message;
    }
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map(String).join(', ')}`;
    case 'invalid_type':
      return issue.message.startsWith('Invalid input')
        ? `must be a ${issue.expected}`
        : issue.message;
    case 'invalid_key':
      return issue.issues[0]?.message ?? issue.message;
    case 'too_small':
      if (issue.origin === 'array') return `must list at least ${String(issue.minimum)} item(s)`;
      return issue.message;
    case 'too_big':
      if (issue.origin === 'array') return `must list at most ${String(issue.maximum)} items`;
      return issue.message;
    default:
      return issue.message;
  }
}

function valueAt(input: unknown, path: readonly PathSegment[]): unknown {
  let cur = input;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** Parses `input` with `schema`; on failure adds its problems (under `base`) and returns undefined. */
export function parseWith<T>(
  schema: z.ZodType<T>,
  input: unknown,
  base: readonly PathSegment[],
  problems: Problem[],
): T | undefined {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  problems.push(...issuesToProblems(r.error.issues, base, input));
  return undefined;
}
