import { z } from 'zod';

/**
 * `let` bindings (EXPR extension, Template Schemas §3.6): a list of `name = expression` strings
 * on a step, a step's script, an environment's script or a simple action. Each name is a
 * lower-case identifier, given once in its list; at most 50 bindings to a list.
 */

/** The most bindings one `let` list may hold. */
export const MAX_LET_BINDINGS = 50;
/** The longest binding name (an `<Identifier>` with the extension's limit). */
const MAX_NAME = 512;
const BINDING = /^\s*([^\s=]*)\s*=(?!=)\s*([\s\S]*?)\s*$/;
const NAME = /^[a-z_][a-z0-9_]*$/;

/** One binding as written: its name and the expression text. */
export interface LetBinding {
  name: string;
  expr: string;
}

/** Reads `name = expression`; says what to change when the text is not one. */
export function parseBinding(text: string): LetBinding | { error: string } {
  const m = BINDING.exec(text);
  if (!m)
    return {
      error: 'must be "name = expression" (for example "frames = Param.End - Param.Start")',
    };
  const [, name = '', expr = ''] = m;
  if (name === '') return { error: 'has no name before "=": write "name = expression"' };
  if (name.length > MAX_NAME) return { error: `the name must be at most ${MAX_NAME} characters` };
  if (!NAME.test(name))
    return {
      error: `"${name}" is not a binding name: use lower-case letters, digits and _, not starting with a digit (upper-case names are the template's own, like Param)`,
    };
  if (expr === '') return { error: `"${name} =" has no expression after "="` };
  return { name, expr };
}

/** A `let` list: 1–50 well-formed bindings with names of their own. */
export const letBindings = z
  .array(z.string({ error: 'each binding must be a string "name = expression"' }), {
    error: 'must be a list of "name = expression" strings',
  })
  .min(1)
  .max(MAX_LET_BINDINGS)
  .superRefine((items, ctx) => {
    const seen = new Map<string, number>();
    items.forEach((text, i) => {
      const b = parseBinding(text);
      if ('error' in b) {
        ctx.addIssue({ code: 'custom', path: [i], message: b.error });
        return;
      }
      const first = seen.get(b.name);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `"${b.name}" is bound already at let[${first}]: give each binding its own name`,
        });
      else seen.set(b.name, i);
    });
  });

/** The names a (validated) `let` list binds, in order. */
export function boundNames(bindings: readonly string[] | undefined): string[] {
  return (bindings ?? []).flatMap((t) => {
    const b = parseBinding(t);
    return 'error' in b ? [] : [b.name];
  });
}
