import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { operatorName, type UserPrincipal } from '../users/user-directory.js';
import { declarationProblem, routeRefusal } from './job-access.js';
import {
  isSafeMethod,
  sameOrigin,
  sessionCookieValues,
  sessionSecret,
  userOfSessionValue,
} from './session.js';

/**
 * Who may call a route. Every route says so in its `config.access`; a route without it is refused
 * when it is registered, so nothing is reachable by default.
 * - `public`: anyone (the viewer's page and its login exchange).
 * - `user`: a user token (CLI): the operator's, or one a Unix user enrolled (users/enrolment.ts);
 *   or the viewer's session cookie made from one (session.ts).
 * - `agent`: a job's agent token (never the cookie); the route then acts only within that job.
 */
export type Access = 'public' | 'user' | 'agent';

/** Who a request was authenticated as; set on every request that reaches a handler. */
export type Principal = { kind: 'public' } | UserPrincipal | { kind: 'agent'; jobId: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * The verb of a `user` route that changes job `:id` (`cancel`, `scale`, …): only its owner
     * or the operator may call it (job-access.ts), checked here before the handler runs.
     */
    changes?: string;
    /** A `user` route only the operator may call (what changes every user's jobs). */
    operatorOnly?: boolean;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

/** A route as the router registered it, with who may call it. */
export interface DeclaredRoute {
  method: string;
  url: string;
  access: Access;
}

const declared = new WeakMap<FastifyInstance, DeclaredRoute[]>();

/** Every route registered on `app` after `installAuth`, as the router saw it. */
export function declaredRoutes(app: FastifyInstance): DeclaredRoute[] {
  return [...(declared.get(app) ?? [])];
}

export interface AuthOptions {
  /** The operator's token (the state directory's `token`). */
  userToken: string;
  /** The operator's user name (default: the user this process runs as). */
  operator?: string;
  /** The principal of another user's enrolled token (or of its hash), if any. */
  enrolled?: {
    ofToken(token: string): UserPrincipal | undefined;
    ofHash(hash: string): UserPrincipal | undefined;
  };
  /** A job's owner (null: the operator's), or undefined when there is no such job. */
  jobOwner?: (jobId: string) => string | null | undefined;
  /** The job whose agent token this is, or undefined. */
  jobOfAgentToken: (token: string) => string | undefined;
}

/** Compares secrets in constant time. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}

class AuthError extends Error {
  constructor(
    readonly statusCode: 401 | 403 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** What a request offers to prove who it is. */
interface Credentials {
  bearer: string | undefined;
  /** The values of the session cookie (see sessionCookieValues). */
  cookies: string[];
  /** Whether the request is a safe method, or its `Origin` is the page's own. */
  originOk: boolean;
}

function credentials(req: FastifyRequest): Credentials {
  return {
    bearer: bearer(req),
    cookies: sessionCookieValues(req),
    originOk: isSafeMethod(req.method) || sameOrigin(req),
  };
}

/** The operator, as a principal. */
const operatorOf = (o: AuthOptions): UserPrincipal => ({
  kind: 'user',
  user: o.operator ?? operatorName(),
  operator: true,
});

/** The user a bearer token stands for: the operator's token, or an enrolled one. */
function userOfToken(token: string, o: AuthOptions): UserPrincipal | undefined {
  if (sameToken(token, o.userToken)) return operatorOf(o);
  return o.enrolled?.ofToken(token);
}

/** The user a session cookie's values stand for (see session.ts), if any. */
function userOfCookies(cookies: string[], o: AuthOptions): UserPrincipal | undefined {
  // Compared with every value offered, so a tossed cookie of the same name hides nothing.
  const secret = sessionSecret(o.userToken);
  if (cookies.filter((v) => sameToken(v, secret)).length > 0) return operatorOf(o);
  for (const v of cookies) {
    const hash = userOfSessionValue(v, o.userToken);
    const p = hash === undefined ? undefined : o.enrolled?.ofHash(hash);
    if (p) return p;
  }
  return undefined;
}

/** Decides a request's principal for the route the router matched (never the raw URL). */
function authenticate(access: Access | undefined, cred: Credentials, o: AuthOptions): Principal {
  // Unmatched requests (the 404 handler) carry no access: answer 404, whatever the token.
  if (access === undefined) throw new AuthError(404, 'no such route');
  if (access === 'public') return { kind: 'public' } as const;
  const token = cred.bearer;
  if (access === 'user') {
    const byToken = token ? userOfToken(token, o) : undefined;
    if (byToken) return byToken;
    const bySession = userOfCookies(cred.cookies, o);
    if (bySession) {
      // SameSite=Strict keeps other sites' pages from sending the cookie, but a site is the host
      // name without its port: a page served by anything else on this host (another port) is
      // same-site and sends it too. A browser cannot forge `Origin`, so a change asked for by a
      // page that is not the viewer's own is refused here.
      if (!cred.originOk) throw new AuthError(403, 'this request comes from another origin');
      return bySession;
    }
    if (!token && cred.cookies.length === 0)
      throw new AuthError(401, 'missing bearer token or viewer session');
    throw new AuthError(401, 'bad token');
  }
  // Agent routes take the job's agent token in the header only, never a browser's cookie.
  if (!token) throw new AuthError(401, 'missing bearer token');
  const jobId = o.jobOfAgentToken(token);
  if (jobId === undefined) throw new AuthError(401, 'bad agent token');
  return { kind: 'agent', jobId } as const;
}

/**
 * Installs default-deny authorization: each route must declare `config.access`, and each request is
 * checked against the route the router matched, so no spelling of a path (percent-encoding, case,
 * slashes, dot segments) reaches a handler it is not allowed to.
 */
export function installAuth(app: FastifyInstance, o: AuthOptions): void {
  // Set by the onRequest hook below, which runs before every handler.
  app.decorateRequest('principal', null as never);
  const routes: DeclaredRoute[] = [];
  declared.set(app, routes);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    const methods = [route.method].flat();
    if (access !== 'public' && access !== 'user' && access !== 'agent')
      throw new Error(
        `route ${methods.join(',')} ${route.url} declares no access (public, user, agent)`,
      );
    const problem = declarationProblem(route.url, methods, access, route.config?.changes);
    if (problem) throw new Error(problem);
    for (const method of methods) routes.push({ method, url: route.url, access });
  });
  app.addHook('onRequest', async (req, reply) => {
    const access = req.is404 ? undefined : req.routeOptions.config.access;
    try {
      req.principal = authenticate(access, credentials(req), o);
      const refused = req.is404
        ? undefined
        : routeRefusal(req.principal, req.routeOptions.config, req.params, {
            operator: o.operator ?? operatorName(),
            jobOwner: o.jobOwner,
          });
      if (refused) throw new AuthError(403, refused);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      return reply.code(err.statusCode).send({ error: err.message });
    }
  });
}
