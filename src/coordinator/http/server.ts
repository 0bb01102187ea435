import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { CliError, UsageError } from '../../errors.js';
import type { Coordinator } from '../core.js';
import { registerAgentRoutes } from './agent-routes.js';
import { registerUserRoutes } from './user-routes.js';

export interface ServerOptions {
  userToken: string;
  /** Extra routes (the viewer's page) registered on the same server. */
  extend?: (app: FastifyInstance) => void | Promise<void>;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}

/** The coordinator's HTTP API. Every /api route needs a bearer token; errors are `{error}` JSON. */
export async function buildServer(c: Coordinator, opts: ServerOptions): Promise<FastifyInstance> {
  // No request logging: URLs and headers may carry tokens.
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });

  app.decorateRequest('isUser', false);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.url.startsWith('/api/')) return;
    const token = bearer(req);
    if (!token) return reply.code(401).send({ error: 'missing bearer token' });
    if (sameToken(token, opts.userToken)) {
      (req as FastifyRequest & { isUser: boolean }).isUser = true;
      return;
    }
    if (!req.url.startsWith('/api/agent/')) return reply.code(401).send({ error: 'bad token' });
    // Agent tokens are checked per job inside the agent routes.
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err instanceof UsageError) return reply.code(400).send({ error: err.message });
    if (err instanceof CliError)
      return reply.code(err.exitCode === 4 ? 404 : 502).send({ error: err.message });
    if (err.statusCode && err.statusCode < 500)
      return reply.code(err.statusCode).send({ error: err.message });
    return reply.code(500).send({ error: `internal error: ${err.message}` });
  });

  registerUserRoutes(app, c);
  registerAgentRoutes(app, c, opts.userToken, sameToken);
  if (opts.extend) await opts.extend(app);
  return app;
}
