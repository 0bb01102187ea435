import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.js';
import { asUser } from './job-access.js';

/** What the user token routes ask of the coordinator. */
export interface TokenRoutesPort {
  /** Removes a user's enrolled tokens (users/user-directory.ts); how many there were. */
  revokeUserTokens(user: string): number;
}

/** `cluster-tool token whoami|revoke`: who a user token stands for, and revoking one (user token). */
export function registerTokenRoutes(app: FastifyInstance, c: TokenRoutesPort): void {
  // Who the caller is: the viewer labels its filter, the CLI says whose token it uses.
  app.get('/api/me', { config: { access: 'user' } }, async (req) => {
    const p = asUser(req.principal);
    return { user: p.user, operator: p.operator };
  });

  // A user revokes their own tokens, the operator anyone's.
  app.post<{ Body: { user?: unknown } | undefined }>(
    '/api/tokens/revoke',
    { config: { access: 'user' } },
    async (req) => {
      const p = asUser(req.principal);
      const user = typeof req.body?.user === 'string' && req.body.user ? req.body.user : p.user;
      if (user !== p.user && !p.operator)
        throw new HttpError(403, `only ${user} or the operator may revoke ${user}'s tokens`);
      return { user, revoked: c.revokeUserTokens(user) };
    },
  );
}
