import Fastify, { type FastifyInstance } from 'fastify';
import { installAuth, sameToken } from './auth.js';
import { registerEnvironmentRoutes, type EnvironmentRoutesPort } from './environment-routes.js';
import { registerAgentRoutes, type AgentRoutesPort } from './agent-routes.js';
import { isStorageFault } from '../io/write-outage.js';
import { httpStatusOf } from './http-error.js';
import { registerTaskRoutes, type TaskRoutesPort } from './task-routes.js';
import { registerTokenRoutes, type TokenRoutesPort } from './token-routes.js';
import { registerUserRoutes, type UserRoutesPort } from './user-routes.js';
import type { UserDirectory } from '../users/user-directory.js';

/** What the whole API asks of the coordinator: each route module's port, and the server's own. */
export interface ServerPort
  extends UserRoutesPort, TaskRoutesPort, AgentRoutesPort, EnvironmentRoutesPort, TokenRoutesPort {
  /** The job an agent token was issued for, looked up by the token (compared again here). */
  tokenOwner(token: string): { id: string; agentToken: string } | undefined;
  /** The users whose enrolled tokens are accepted (users/user-directory.ts). */
  users: UserDirectory;
  /** A job's owner (null: the operator's), or undefined when there is no such job. */
  jobOwner(jobId: string): string | null | undefined;
  /** Its own disk refused a write: a write outage starts, or goes on. */
  storageFailed(err: unknown): void;
}

export interface ServerOptions {
  userToken: string;
  /** Extra routes (the viewer's page) registered on the same server. */
  extend?: (app: FastifyInstance) => void | Promise<void>;
}

/**
 * The coordinator's HTTP API. Each route declares who may call it (see auth.ts); errors are
 * `{error}` JSON.
 */
export async function buildServer(c: ServerPort, opts: ServerOptions): Promise<FastifyInstance> {
  // No request logging: URLs and headers may carry tokens.
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });

  installAuth(app, {
    userToken: opts.userToken,
    operator: c.users.operator,
    enrolled: c.users,
    jobOwner: (id) => c.jobOwner(id),
    jobOfAgentToken: (token) => {
      const job = c.tokenOwner(token);
      return job && sameToken(token, job.agentToken) ? job.id : undefined;
    },
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (isStorageFault(err)) {
      // Its own disk, not the caller: agents retry a 5xx without counting it against anyone.
      c.storageFailed(err);
      return reply
        .code(503)
        .header('retry-after', '2')
        .send({
          error: `the coordinator cannot write its state (${err.message}); try again shortly`,
        });
    }
    const { status, error } = httpStatusOf(err);
    return reply.code(status).send({ error });
  });

  registerUserRoutes(app, c);
  registerTokenRoutes(app, c);
  registerEnvironmentRoutes(app, c);
  registerTaskRoutes(app, c);
  registerAgentRoutes(app, c);
  if (opts.extend) await opts.extend(app);
  return app;
}
