import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Coordinator, DEFAULT_CONFIG } from '../../../src/coordinator/core.js';
import { EventBus } from '../../../src/coordinator/events.js';
import {
  declaredRoutes,
  installAuth,
  type DeclaredRoute,
} from '../../../src/coordinator/http/auth.js';
import { buildServer } from '../../../src/coordinator/http/server.js';
import { prepareStateDir } from '../../../src/coordinator/state-dir.js';
import { SqliteStore } from '../../../src/coordinator/store/sqlite-store.js';
import { registerViewerRoutes } from '../../../src/viewer/routes.js';
import { RecordingAllocationPort } from '../../doubles/allocation-port.js';

// Every route the router holds, tried as an attacker would: no token, a wrong token, another
// job's agent token, and many spellings of each path. Nothing but a public route may answer 2xx.

const root = mkdtempSync(path.join(os.tmpdir(), 'ct-auth-'));
let app: FastifyInstance;
let base = '';
let userToken = '';
let jobA = { id: '', agentToken: '', taskId: 0 };
let jobB = { id: '', agentToken: '' };

beforeAll(async () => {
  const stateDir = path.join(root, 'state');
  const state = prepareStateDir(stateDir);
  userToken = state.token;
  const c = new Coordinator(
    new SqliteStore(state.db),
    new RecordingAllocationPort(),
    new EventBus(() => undefined),
    { ...DEFAULT_CONFIG, stateDir },
  );
  const tasks = '{"id":"a","argv":["true"]}\n{"id":"b","argv":["true"]}\n';
  const a = await c.submit({ kind: 'command', nodes: 1, tasks });
  const b = await c.submit({ kind: 'command', nodes: 1, tasks });
  jobA = { id: a.id, agentToken: a.agentToken, taskId: c.store.tasks.list(a.id).tasks[0]!.id };
  jobB = { id: b.id, agentToken: b.agentToken };
  mkdirSync(path.join(a.dir, 'output'), { recursive: true });
  writeFileSync(path.join(a.dir, 'output', 'x.png'), 'png');
  app = await buildServer(c, { userToken, extend: (s) => registerViewerRoutes(s, c) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  await app.close();
  rmSync(root, { recursive: true, force: true });
});

/** A raw request: the path goes on the wire exactly as given (no URL normalization). */
function send(
  method: string,
  rawPath: string,
  token?: string,
): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: rawPath,
        agent: false,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        // An event stream never ends: its status line is the answer.
        if (res.headers['content-type']?.startsWith('text/event-stream')) {
          resolve({ status: res.statusCode ?? 0, body: '' });
          req.destroy();
        }
      },
    );
    // The server may drop a request it cannot parse: that is a refusal too.
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

/** A concrete path for a route pattern, with this test's job and task. */
function concrete(r: DeclaredRoute): string {
  return r.url
    .replace(':id/tasks/', '')
    .replace('/tasks/:id/', `/tasks/${jobA.taskId}/`)
    .replace(':id', jobA.id)
    .replace(':file', 'main.js')
    .replace('*', 'output/x.png');
}

/** Other spellings of a path: percent-encoded characters, case, slashes, dot segments. */
function spellings(p: string): string[] {
  const out = new Set<string>();
  for (let i = 1; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === '/') continue;
    const hex = ch.charCodeAt(0).toString(16);
    out.add(`${p.slice(0, i)}%${hex}${p.slice(i + 1)}`);
    out.add(`${p.slice(0, i)}%${hex.toUpperCase()}${p.slice(i + 1)}`);
  }
  const [, first = '', ...rest] = p.split('/');
  out.add(p.toUpperCase());
  out.add(`/${first.toUpperCase()}/${rest.join('/')}`);
  out.add(`/${p}`);
  out.add(p.replace(/\//g, '//'));
  out.add(`/./${p.slice(1)}`);
  out.add(`/x/..${p}`);
  out.add(`/${first}/./${rest.join('/')}`);
  out.add(`/${first}/x/../${rest.join('/')}`);
  out.add(`${p}/`);
  out.add(`${p}?x=/api/`);
  out.add(p.replace(/\//g, '%2f'));
  out.add(`/${first}%2f${rest.join('/')}`);
  out.add(`/${first};/${rest.join('/')}`);
  out.delete(p);
  return [...out];
}

const ok = (s: number) => s >= 200 && s < 300;

describe('the API refuses every route it does not make public', () => {
  it('lists the routes from the router itself, each declaring who may call it', () => {
    const routes = declaredRoutes(app);
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
    for (const r of declaredRoutes(app)) {
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
    for (const r of declaredRoutes(app)) {
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
