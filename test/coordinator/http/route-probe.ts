import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Coordinator, DEFAULT_CONFIG } from '../../../src/coordinator/core.js';
import { EventBus } from '../../../src/coordinator/events.js';
import type { DeclaredRoute } from '../../../src/coordinator/http/auth.js';
import { buildServer } from '../../../src/coordinator/http/server.js';
import { prepareStateDir } from '../../../src/coordinator/state-dir.js';
import { SqliteStore } from '../../../src/coordinator/store/sqlite-store.js';
import { registerViewerRoutes } from '../../../src/viewer/routes.js';
import { RecordingAllocationPort } from '../../doubles/allocation-port.js';

/** A job of the probed coordinator, with one of its tasks. */
export interface ProbeJob {
  id: string;
  agentToken: string;
  taskId: number;
  dir: string;
}

/** A real coordinator's whole HTTP API (the viewer's routes included) on a loopback port. */
export interface ProbeServer {
  app: FastifyInstance;
  base: string;
  port: number;
  stateDir: string;
  userToken: string;
  /** Three command jobs, each with a file `output/x.png`. */
  jobs: [ProbeJob, ProbeJob, ProbeJob];
  close(): Promise<void>;
}

export async function startProbeServer(): Promise<ProbeServer> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ct-auth-'));
  const stateDir = path.join(root, 'state');
  const state = prepareStateDir(stateDir);
  const c = new Coordinator(
    new SqliteStore(state.db),
    new RecordingAllocationPort(),
    new EventBus(() => undefined),
    { ...DEFAULT_CONFIG, stateDir },
  );
  const tasks = '{"id":"a","argv":["true"]}\n{"id":"b","argv":["true"]}\n';
  const jobs: ProbeJob[] = [];
  for (let i = 0; i < 3; i++) {
    const j = await c.submit({ kind: 'command', nodes: 1, tasks });
    jobs.push({
      id: j.id,
      agentToken: j.agentToken,
      taskId: c.store.tasks.list(j.id).tasks[0]!.id,
      dir: j.dir,
    });
    mkdirSync(path.join(j.dir, 'output'), { recursive: true });
    writeFileSync(path.join(j.dir, 'output', 'x.png'), 'png');
  }
  const app = await buildServer(c, {
    userToken: state.token,
    extend: (s) => registerViewerRoutes(s, c),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    app,
    base: `http://127.0.0.1:${port}`,
    port,
    stateDir,
    userToken: state.token,
    jobs: jobs as [ProbeJob, ProbeJob, ProbeJob],
    close: async () => {
      await app.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface Sent {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export interface SendOptions {
  token?: string;
  cookie?: string;
  origin?: string;
  body?: string;
}

/** A raw request: the path goes on the wire exactly as given (no URL normalization). */
export function send(
  base: string,
  method: string,
  rawPath: string,
  o: SendOptions = {},
): Promise<Sent> {
  const url = new URL(base);
  const body = o.body ?? (method === 'POST' ? '{}' : undefined);
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: rawPath,
        agent: false,
        headers: {
          ...(o.token === undefined ? {} : { authorization: `Bearer ${o.token}` }),
          ...(o.cookie === undefined ? {} : { cookie: o.cookie }),
          ...(o.origin === undefined ? {} : { origin: o.origin }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        const done = () =>
          resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers });
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', done);
        // An event stream never ends: its status line is the answer.
        if (res.headers['content-type']?.startsWith('text/event-stream')) {
          done();
          req.destroy();
        }
      },
    );
    // The server may drop a request it cannot parse: that is a refusal too.
    req.on('error', (err) => resolve({ status: 0, body: err.message, headers: {} }));
    req.end(body);
  });
}

/** A concrete path for a route pattern, with a job and its task. */
export function concrete(r: DeclaredRoute, job: ProbeJob): string {
  return r.url
    .replace(':id/tasks/', '')
    .replace('/tasks/:id/', `/tasks/${job.taskId}/`)
    .replace(':id', job.id)
    .replace(':file', 'main.js')
    .replace('*', 'output/x.png');
}

/** Other spellings of a path: percent-encoded characters, case, slashes, dot segments. */
export function spellings(p: string): string[] {
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

export const isOk = (s: number) => s >= 200 && s < 300;
