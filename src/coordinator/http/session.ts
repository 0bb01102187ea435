import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * The viewer's session cookie. Its value is not the user token but a secret derived from it, so
 * the cookie never hands out the token itself, a coordinator restart keeps it valid (nothing is
 * kept in memory), and replacing the token revokes every session made from the old one.
 */
export function sessionSecret(userToken: string): string {
  return createHmac('sha256', userToken).update('viewer-session').digest('base64url');
}

/**
 * The session of an enrolled user (users/enrolment.ts): the hash of their token, signed with a
 * key made from the operator's token. The coordinator never holds an enrolled token itself, only
 * its hash; the enrolment is looked up on each request, so revoking it ends the session too.
 */
export function userSessionSecret(operatorToken: string, hash: string): string {
  const mac = createHmac('sha256', operatorToken)
    .update(`viewer-session:${hash}`)
    .digest('base64url');
  return `u.${hash}.${mac}`;
}

/** The token hash a user session value carries, if its signature holds. */
export function userOfSessionValue(value: string, operatorToken: string): string | undefined {
  const m = /^u\.([0-9a-f]{64})\.[A-Za-z0-9_-]+$/.exec(value);
  if (!m?.[1]) return undefined;
  const want = Buffer.from(userSessionSecret(operatorToken, m[1]));
  const got = Buffer.from(value);
  return want.length === got.length && timingSafeEqual(want, got) ? m[1] : undefined;
}

/**
 * The cookie's name, with the port the coordinator listens on: a browser sends a host's cookies to
 * every port of it, so two coordinators on one host (a local cluster beside a forwarded head node)
 * would otherwise sign each other's sessions out. The port is the server socket's, never the
 * client's Host header, so the name is the same however the browser reached it.
 */
export function sessionCookieName(req: FastifyRequest): string {
  const port = req.socket?.localPort;
  return port ? `ct_session_${port}` : 'ct_session';
}

/**
 * `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page sends it), `Path=/`.
 * No `Secure`: the coordinator speaks plain HTTP to the head node's own desktop (see
 * docs/security.md), and a `Secure` cookie would never be sent back over it.
 */
const FLAGS = 'HttpOnly; SameSite=Strict; Path=/';

/** The `Set-Cookie` value that signs this browser in: `value` is a session secret above. */
export function sessionCookie(req: FastifyRequest, value: string): string {
  return `${sessionCookieName(req)}=${value}; ${FLAGS}`;
}

/** The `Set-Cookie` value that signs this browser out. */
export function clearedSessionCookie(req: FastifyRequest): string {
  return `${sessionCookieName(req)}=; ${FLAGS}; Max-Age=0`;
}

/**
 * Every value the request's cookies give the session's name. All of them, not the first: another
 * page of the same site may set a cookie of that name too ("cookie tossing"), and it must not
 * push the real one out; none counts unless it is the secret.
 */
export function sessionCookieValues(req: FastifyRequest): string[] {
  const header = req.headers.cookie;
  if (!header) return [];
  const name = sessionCookieName(req);
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/** Methods that change nothing; every other one is checked against its `Origin`. */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/**
 * Whether the request's `Origin` (when the browser sent one) is the page's own: the same host and
 * port as the `Host` it was sent to. `Origin: null` (a sandboxed frame, a redirect) is foreign.
 */
export function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  if (!host) return false;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host === host.toLowerCase();
  } catch {
    return false;
  }
}
