import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredRoutes, installAuth } from '../../../src/coordinator/http/auth.js';
import {
  concrete as concreteFor,
  isOk as ok,
  send as sendTo,
  spellings,
  startProbeServer,
  type ProbeServer,
} from './route-probe.js';

// Every route the router holds, tried as an attacker would: no token, a wrong token, another
// job's agent token, and many spellings of each path. Nothing but a public route may answer 2xx.
// (The viewer's session cookie is tried the same way in session-auth.test.ts.)

let server: ProbeServer;
let base = '';
let userToken = '';
let root = '';
let jobA = { id: '', agentToken: '', taskId: 0, dir: '' };
let jobB = { id: '', agentToken: '', taskId: 0, dir: '' };

beforeAll(async () => {
  server = await startProbeServer();
  ({ base, userToken } = server);
  [jobA, jobB] = server.jobs;
  root = path.dirname(server.stateDir);
});

afterAll(async () => {
  await server?.close();
});

const app = () => server.app;
const send = (method: string, rawPath: string, token?: string) =>
  sendTo(base, method, rawPath, { token });
const concrete = (r: Parameters<typeof concreteFor>[0]) => concreteFor(r, jobA);

describe('the API refuses every route it does not make public', () => {
  it('lists the routes from the router itself, each declaring who may call it', () => {
    const routes = declaredRoutes(app());
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /', 'POST /login']),
    );
    expect(routes.find((r) => r.url === '/api/jobs')?.access).toBe('user');
    expect(routes.find((r) => r.url === '/api/agent/lease')?.access).toBe('agent');
  });

  it('refuses to register a route that does not say who may call it', async () => {
    const bare = Fastify();
    installAuth(bare, { userToken: 't', jobOfAgentToken: () => undefined });
    expect(() => bare.get('/api/new', async () => 'open')).toThrow(/declares no access/);
    await bare.close();
  });

  it('answers a user-token request, so the refusals below are not vacuous', async () => {
    expect((await send('GET', '/api/jobs', userToken)).status).toBe(200);
    expect((await send('GET', `/api/jobs/${jobA.id}/files/output/x.png`, userToken)).status).toBe(
      200,
    );
  });

  it('refuses each non-public route with no token, a wrong token and agent tokens', async () => {
    const leaks: string[] = [];
    for (const r of declaredRoutes(app())) {
      if (r.access === 'public') continue;
      const p = concrete(r);
      const tokens: [string, string | undefined][] = [
        ['no token', undefined],
        ['a wrong token', 'x'.repeat(48)],
        ['an empty token', ''],
        ["another job's agent token", jobB.agentToken],
        ...(r.access === 'user'
          ? [["the job's agent token", jobA.agentToken] as [string, string]]
          : []),
        ...(r.access === 'agent' ? [['the user token', userToken] as [string, string]] : []),
      ];
      for (const [what, token] of tokens) {
        const res = await send(r.method, p, token);
        if (ok(res.status)) leaks.push(`${r.method} ${p} with ${what}: ${res.status}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('refuses every spelling of every non-public path without a token', async () => {
    const leaks: string[] = [];
    let tried = 0;
    for (const r of declaredRoutes(app())) {
      if (r.access === 'public') continue;
      for (const p of spellings(concrete(r))) {
        tried++;
        const res = await send(r.method, p);
        if (ok(res.status)) leaks.push(`${r.method} ${p}: ${res.status} ${res.body.slice(0, 80)}`);
      }
    }
    expect(tried).toBeGreaterThan(300);
    expect(leaks).toEqual([]);
  });

  it('mints no login code and runs no job through an encoded /api prefix', async () => {
    expect((await send('POST', '/%61pi/login-codes')).status).toBe(401);
    expect((await send('GET', '/%61pi/jobs')).status).toBe(401);
    expect((await send('POST', '/%61pi/jobs')).status).toBe(401);
  });

  it('lets an agent token act only within its own job', async () => {
    const res = await send('POST', '/api/agent/register', jobB.agentToken);
    expect(res.status).toBe(400);
    const reg = await fetch(`${base}/api/agent/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jobB.agentToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jobId: jobA.id, node: 'node1', gpu: '0', slurmJobId: 100 }),
    });
    expect(reg.status).toBe(403);
  });

  it('names a bad file without echoing a line of it', async () => {
    const secret = path.join(root, 'secret.txt');
    mkdirSync(path.join(root, 'svox2', 'opt'), { recursive: true });
    writeFileSync(path.join(root, 'svox2', 'opt', 'opt.py'), '');
    writeFileSync(secret, 'root:x:0:0:SECRET-LINE:/root:/bin/bash\n{"still": "secret"}\n');
    for (const body of [
      { kind: 'command', nodes: 1, tasksPath: secret },
      { kind: 'plenoxels', nodes: 1, taskFilePath: secret, svox2: path.join(root, 'svox2') },
    ]) {
      const res = await fetch(`${base}/api/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${userToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      expect(res.status).toBe(400);
      expect(text).toMatch(/not JSON/);
      expect(text).not.toMatch(/root:x|SECRET|still/);
    }
  });
});

describe('bad input to the user routes', () => {
  const call = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${base}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${userToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, error: ((await res.json()) as { error?: string }).error ?? '' };
  };

  it('answers 400 saying which field is wrong, never 500', async () => {
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', `/api/jobs/${jobA.id}/retry`, { frames: { x: 1 } }, /retry: frames/],
      ['GET', `/api/jobs/${jobA.id}/tasks?limit=abc`, undefined, /limit: must be a whole number/],
      ['GET', `/api/jobs/${jobA.id}/tasks?limit=-1`, undefined, /limit/],
      ['GET', `/api/jobs/${jobA.id}/tasks?limit=20001`, undefined, /at most 20000/],
      ['GET', `/api/jobs/${jobA.id}/tasks?state=nope`, undefined, /state/],
      ['GET', `/api/jobs/${jobA.id}/logs?tail=x`, undefined, /tail/],
      ['POST', `/api/jobs/${jobA.id}/scale`, { add: 'two' }, /scale: add/],
      ['POST', `/api/jobs/${jobA.id}/scale`, { nodeList: ['$(id)'] }, /node name/],
      ['POST', `/api/jobs/${jobA.id}/scale`, { bogus: 1 }, /scale/],
      ['POST', `/api/jobs/${jobA.id}/priority`, { priority: 0 }, /priority: priority/],
      ['POST', `/api/jobs/${jobA.id}/priority`, { priority: 101 }, /priority: priority/],
      ['POST', `/api/jobs/${jobA.id}/priority`, { priority: 'high' }, /priority: priority/],
      ['POST', `/api/jobs/${jobA.id}/priority`, {}, /priority/],
    ];
    for (const [method, route, body, message] of cases) {
      const r = await call(method, route, body);
      expect({ route, status: r.status }).toEqual({ route, status: 400 });
      expect(r.error).toMatch(message);
    }
    expect((await call('GET', `/api/jobs/${jobA.id}/tasks?limit=1`)).status).toBe(200);
    expect((await call('POST', `/api/jobs/${jobA.id}/priority`, { priority: 70 })).status).toBe(
      200,
    );
  });
});
