import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionSecret } from '../../../src/coordinator/http/session.js';
import { isOk, send, startProbeServer, type ProbeServer, type SendOptions } from './route-probe.js';

// Signing a browser in and out: the cookie's flags exactly, no token in any answer, no cookie for
// anything but the right code or token, and only from the page's own origin.

let s: ProbeServer;
let name = '';
let secret = '';

const call = (method: string, p: string, o: SendOptions = {}) => send(s.base, method, p, o);
const login = (body: unknown, origin?: string) =>
  call('POST', '/login', { body: JSON.stringify(body), origin });
const cookieOf = (value: string) => `${name}=${value}`;

beforeAll(async () => {
  s = await startProbeServer();
  name = `ct_session_${s.port}`;
  const res = await login({ token: s.userToken });
  expect(res.status).toBe(200);
  secret = /^ct_session_\d+=([^;]+);/.exec(String(res.headers['set-cookie']))?.[1] ?? '';
});

afterAll(async () => {
  await s?.close();
});

describe('POST /login and /logout', () => {
  it('answers a pasted token with the session cookie, flags exact, its value not the token', async () => {
    const res = await login({ token: s.userToken });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toEqual([
      `${name}=${sessionSecret(s.userToken)}; HttpOnly; SameSite=Strict; Path=/`,
    ]);
    expect(secret).toBe(sessionSecret(s.userToken));
    expect(secret).not.toContain(s.userToken);
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(res.body).not.toContain(s.userToken);
    expect(res.body).not.toContain(secret);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers a one-time code with the same cookie, once, and never the token', async () => {
    const minted = await call('POST', '/api/login-codes', { token: s.userToken });
    const { code } = JSON.parse(minted.body) as { code: string };
    const first = await login({ code });
    expect(first.status).toBe(200);
    expect(first.headers['set-cookie']).toEqual([
      `${name}=${secret}; HttpOnly; SameSite=Strict; Path=/`,
    ]);
    expect(first.body).not.toContain(s.userToken);
    const again = await login({ code });
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('sets no cookie for a wrong code or token, whatever its shape', async () => {
    const a = s.jobs[0];
    const bodies: unknown[] = [
      {},
      { code: 'nope' },
      { code: '' },
      { token: '' },
      { token: 'x'.repeat(s.userToken.length) },
      { token: s.userToken.slice(0, -1) },
      { token: `${s.userToken}x` },
      { token: s.userToken.toUpperCase() },
      { token: a.agentToken },
      { token: secret },
      { token: [s.userToken] },
      { token: { token: s.userToken } },
      { code: [s.userToken] },
      [s.userToken],
      s.userToken,
    ];
    for (const body of bodies) {
      const res = await login(body);
      expect({ body, status: res.status }).toEqual({ body, status: 401 });
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.body).not.toContain(s.userToken);
    }
    // A body that is not JSON at all.
    const raw = await call('POST', '/login', { body: `token=${s.userToken}` });
    expect(isOk(raw.status)).toBe(false);
    expect(raw.headers['set-cookie']).toBeUndefined();
  });

  it('signs in or out only from the page itself (its own origin)', async () => {
    const foreign = await login({ token: s.userToken }, 'http://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.headers['set-cookie']).toBeUndefined();
    expect((await login({ token: s.userToken }, s.base)).status).toBe(200);
    const out = await call('POST', '/logout', { origin: 'http://evil.example' });
    expect(out.status).toBe(403);
    expect(out.headers['set-cookie']).toBeUndefined();
  });

  it('clears the cookie on /logout, with the same flags', async () => {
    const res = await call('POST', '/logout', { cookie: cookieOf(secret), origin: s.base });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toEqual([
      `${name}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`,
    ]);
  });
});
