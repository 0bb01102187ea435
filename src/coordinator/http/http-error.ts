import { CliError, UsageError } from '../../errors.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { z } from 'zod';
import { parseWire } from '../../api/parse.js';

/** An error that carries the HTTP status to answer with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A request part as its schema says, or a 400 naming the field: every route's one check. */
export function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = parseWire(schema, value, what);
  if (!r.ok) throw new HttpError(400, r.error);
  return r.value;
}

/**
 * The status and message for an error a handler threw: by what the error is, not by any CLI exit
 * code. Anything unexpected is a 500 that says so.
 */
export function httpStatusOf(err: Error & { statusCode?: number }): {
  status: number;
  error: string;
} {
  if (err instanceof HttpError) return { status: err.status, error: err.message };
  if (err instanceof UsageError) return { status: 400, error: err.message };
  if (err instanceof NotFoundError) return { status: 404, error: err.message };
  if (err instanceof ConflictError) return { status: 409, error: err.message };
  // What the coordinator could not get done through Slurm (sbatch, scontrol failed): its
  // backend's trouble, said in words the user can act on.
  if (err instanceof CliError) return { status: 502, error: err.message };
  // Fastify's own (a body that is not JSON, too large).
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
    return { status: err.statusCode, error: err.message };
  return { status: 500, error: `internal error: ${err.message}` };
}
