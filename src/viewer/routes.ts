import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sameToken } from '../coordinator/http/auth.js';
import {
  clearedSessionCookie,
  sameOrigin,
  sessionCookie,
  sessionCookieValues,
  sessionSecret,
  userOfSessionValue,
  userSessionSecret,
} from '../coordinator/http/session.js';
import { tokenHash } from '../coordinator/users/enrolment.js';
import { packagePath } from '../paths.js';
import { LoginCodes } from './login-codes.js';
import { ICON_SVG, INDEX_HTML, STYLE_CSS } from './page.js';

/** What the viewer's routes ask of the coordinator. */
export interface ViewerRoutesPort {
  /** The user token a session is made from; undefined while the state directory has none. */
  userToken(): string | undefined;
  /** Whether a token is another user's enrolled one (users/enrolment.ts). */
  isEnrolled?(token: string): boolean;
}

/** The session cookie's value for a user token (the operator's, or an enrolled one), if any. */
function sessionFor(c: ViewerRoutesPort, token: string): string | undefined {
  const operator = c.userToken();
  if (operator === undefined) return undefined;
  if (sameToken(token, operator)) return sessionSecret(operator);
  return c.isEnrolled?.(token) ? userSessionSecret(operator, tokenHash(token)) : undefined;
}

/** The page may load only its own scripts and styles, and images/video the API served as blobs. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function secure(reply: FastifyReply, type: string): FastifyReply {
  return reply
    .type(type)
    .header('content-security-policy', CSP)
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-cache');
}

/**
 * The viewer: `/` (the page), `/viewer/*` (its style, icon and the compiled ES modules from
 * dist/viewer/app), `POST /api/login-codes` (user token: mints a one-time code), `POST /login`
 * (no token: a code, or the pasted user token, for the session cookie) and `POST /logout`.
 */
export function registerViewerRoutes(app: FastifyInstance, c: ViewerRoutesPort): void {
  const codes = new LoginCodes();
  const appDir = packagePath('dist', 'viewer', 'app');

  app.get('/', { config: { access: 'public' } }, async (_req, reply) =>
    secure(reply, 'text/html; charset=utf-8').send(INDEX_HTML),
  );
  app.get('/viewer/style.css', { config: { access: 'public' } }, async (_req, reply) =>
    secure(reply, 'text/css; charset=utf-8').send(STYLE_CSS),
  );
  app.get('/viewer/icon.svg', { config: { access: 'public' } }, async (_req, reply) =>
    secure(reply, 'image/svg+xml').send(ICON_SVG),
  );
  app.get<{ Params: { file: string } }>(
    '/viewer/app/:file',
    { config: { access: 'public' } },
    async (req, reply) => {
      const name = req.params.file;
      const file = path.join(appDir, name);
      if (!/^[a-z0-9-]+\.js$/.test(name) || !existsSync(file))
        return reply.code(404).send({ error: `no viewer module ${name}` });
      return secure(reply, 'text/javascript; charset=utf-8').send(readFileSync(file));
    },
  );

  // Behind the /api auth hook: only a user token gets here.
  // The code signs the page in as whoever minted it: by bearer token, or from a session.
  app.post('/api/login-codes', { config: { access: 'user' } }, (req) => {
    const h = req.headers.authorization;
    const bearer = h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
    const operator = c.userToken() ?? '';
    const fromCookie = sessionCookieValues(req).find(
      (v) => sameToken(v, sessionSecret(operator)) || userOfSessionValue(v, operator),
    );
    const session = bearer ? sessionFor(c, bearer) : fromCookie;
    return Promise.resolve(codes.mint(session));
  });

  app.post<{ Body: { code?: unknown; token?: unknown } | undefined }>(
    '/login',
    { config: { access: 'public' } },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      // Only the page itself signs in (see sameOrigin); another page cannot sign it in or out.
      if (!sameOrigin(req)) return reply.code(403).send({ error: 'sign in from the viewer page' });
      const body = req.body && typeof req.body === 'object' ? req.body : {};
      const session =
        typeof body.token === 'string'
          ? sessionFor(c, body.token.trim())
          : typeof body.code === 'string'
            ? codes.claim(body.code)?.session
            : undefined;
      if (session === undefined) {
        return reply.code(401).send({
          error:
            typeof body.token === 'string'
              ? 'that token was not accepted; it is the `token` file in the coordinator state directory, or your own (`cluster-tool token show`)'
              : 'this login code is unknown, used or expired; run `cluster-tool viewer` for a new one',
        });
      }
      // The body says nothing secret: the session lives in the HttpOnly cookie alone.
      return reply.header('set-cookie', sessionCookie(req, session)).send({ signedIn: true });
    },
  );

  app.post('/logout', { config: { access: 'public' } }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    if (!sameOrigin(req)) return reply.code(403).send({ error: 'sign out from the viewer page' });
    // Also drops the thumbnails the browser kept (where it honours this header: on loopback).
    return reply
      .header('set-cookie', clearedSessionCookie(req))
      .header('clear-site-data', '"cache"')
      .send({ signedIn: false });
  });
}
