import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredRoutes, installAuth } from '../../../src/coordinator/http/auth.js';
import { sessionSecret } from '../../../src/coordinator/http/session.js';
import {
  concrete,
  isOk,
  send,
  spellings,
  startProbeServer,
  type ProbeServer,
  type SendOptions,
} from './route-probe.js';

// The viewer's session cookie, tried on every route the router holds as an attacker would: the
// right cookie opens every user route and no agent route; forged cookies, cookies made from other
// tokens and the tokens themselves as cookies open nothing; a change asked for by another origin
// is refused even with the right cookie.

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

const userRoutes = () => declaredRoutes(s.app).filter((r) => r.access === 'user');
const agentRoutes = () => declaredRoutes(s.app).filter((r) => r.access === 'agent');

describe('the session cookie on every route', () => {
  it('opens every user route as the bearer token does', async () => {
    const c = s.jobs[2]; // routes that change a job change this one, not the other tests'
    const differ: string[] = [];
    // Not HEAD: the router derives it from GET (same route, same check), and a HEAD of an event
    // stream is answered only when the stream ends.
    for (const r of userRoutes().filter((r) => r.method !== 'HEAD')) {
      const p = concrete(r, c);
      const byCookie = await call(r.method, p, { cookie: cookieOf(secret) });
      if (byCookie.status === 401 || byCookie.status === 403 || byCookie.status >= 500)
        differ.push(`${r.method} ${p}: ${byCookie.status} ${byCookie.body.slice(0, 80)}`);
      // What changes nothing answers the same to either.
      if (r.method === 'GET') {
        const byToken = await call(r.method, p, { token: s.userToken });
        if (byToken.status !== byCookie.status)
          differ.push(`${r.method} ${p}: cookie ${byCookie.status}, token ${byToken.status}`);
      }
    }
    expect(userRoutes().length).toBeGreaterThan(10);
    expect(differ).toEqual([]);
  });

  it('refuses forged cookies, cookies made from other tokens, and tokens as cookies', async () => {
    const [a, b] = s.jobs;
    const flip = (v: string) => `${v.slice(0, -1)}${v.endsWith('A') ? 'B' : 'A'}`;
    const forged: [string, string][] = [
      ['a wrong cookie', cookieOf('x'.repeat(secret.length))],
      ['an empty cookie', cookieOf('')],
      ['the cookie with one character changed', cookieOf(flip(secret))],
      ['the cookie cut short', cookieOf(secret.slice(0, -1))],
      ['the cookie with more', cookieOf(`${secret}A`)],
      ['a cookie made from another token', cookieOf(sessionSecret('another-token'))],
      ['a cookie made from an agent token', cookieOf(sessionSecret(a.agentToken))],
      ['the user token itself as the cookie', cookieOf(s.userToken)],
      ["the job's agent token as the cookie", cookieOf(a.agentToken)],
      ["another job's agent token as the cookie", cookieOf(b.agentToken)],
      ['the cookie under another name', `ct_session=${secret}; session=${secret}`],
      ['the cookie as a bearer token', ''],
    ];
    const leaks: string[] = [];
    for (const r of userRoutes()) {
      const p = concrete(r, a);
      for (const [what, cookie] of forged) {
        const res = cookie
          ? await call(r.method, p, { cookie })
          : await call(r.method, p, { token: secret });
        if (res.status !== 401) leaks.push(`${r.method} ${p} with ${what}: ${res.status}`);
        if (res.headers['set-cookie']) leaks.push(`${r.method} ${p} set a cookie`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('finds the real cookie beside a tossed one of the same name, and a tossed one alone opens nothing', async () => {
    const p = '/api/jobs';
    const tossed = `${name}=${'y'.repeat(secret.length)}`;
    expect((await call('GET', p, { cookie: `${tossed}; ${cookieOf(secret)}` })).status).toBe(200);
    expect((await call('GET', p, { cookie: tossed })).status).toBe(401);
  });

  it('opens no agent route, under any spelling', async () => {
    const leaks: string[] = [];
    let tried = 0;
    for (const r of agentRoutes()) {
      const p = concrete(r, s.jobs[0]);
      for (const q of [p, ...spellings(p)]) {
        tried++;
        const res = await call(r.method, q, { cookie: cookieOf(secret), origin: s.base });
        if (isOk(res.status)) leaks.push(`${r.method} ${q}: ${res.status}`);
        if (q === p && res.status !== 401) leaks.push(`${r.method} ${q}: ${res.status}, not 401`);
      }
    }
    expect(agentRoutes().length).toBeGreaterThanOrEqual(5);
    expect(tried).toBeGreaterThan(100);
    expect(leaks).toEqual([]);
  });

  it('refuses a change asked for with the cookie from another origin, on every user route', async () => {
    const c = s.jobs[2];
    const origins = [
      'http://evil.example',
      `http://127.0.0.1:${s.port + 1}`,
      `http://localhost:${s.port}`,
      `http://127.0.0.1:${s.port}@evil.example`,
      `http://127.0.0.1:${s.port}.evil.example`,
      'null',
      'garbage',
      `${s.base}, http://evil.example`,
    ];
    const posts = userRoutes().filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
    const leaks: string[] = [];
    for (const r of posts)
      for (const origin of origins) {
        const res = await call(r.method, concrete(r, c), { cookie: cookieOf(secret), origin });
        if (res.status !== 403) leaks.push(`${r.method} ${r.url} from ${origin}: ${res.status}`);
      }
    expect(posts.length).toBeGreaterThanOrEqual(5);
    expect(leaks).toEqual([]);
    // The page's own origin, and a request with none (the browser sends one on every POST).
    const own = await call('POST', '/api/login-codes', {
      cookie: cookieOf(secret),
      origin: s.base,
    });
    expect(own.status).toBe(200);
    const none = await call('POST', '/api/login-codes', { cookie: cookieOf(secret) });
    expect(none.status).toBe(200);
    // A read from another origin cannot be read back by its page (no CORS), so it is not judged.
    const read = await call('GET', '/api/jobs', { cookie: cookieOf(secret), origin: 'null' });
    expect(read.status).toBe(200);
  });

  it('outlives a restart with the same token and ends when the token is replaced', async () => {
    const restarted = Fastify();
    const rotated = Fastify();
    for (const [app, userToken] of [
      [restarted, s.userToken],
      [rotated, 'a-new-token'],
    ] as const) {
      installAuth(app, { userToken, jobOfAgentToken: () => undefined });
      app.get('/api/x', { config: { access: 'user' } }, async () => 'ok');
    }
    // No socket port under inject: the cookie's plain name.
    const ask = (app: typeof restarted) =>
      app.inject({ url: '/api/x', headers: { cookie: `ct_session=${secret}` } });
    expect((await ask(restarted)).statusCode).toBe(200);
    expect((await ask(rotated)).statusCode).toBe(401);
    await restarted.close();
    await rotated.close();
  });
});
