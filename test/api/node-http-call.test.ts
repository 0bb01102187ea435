import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, callApi, UnreachableError } from '../../src/api/http-client.js';
import { callApiOverNodeHttp } from '../../src/api/node-http-call.js';

// The agent's client (node:http) answers as the shared one (fetch) does, request for request.

let server: http.Server;
let base = '';
const seen: { method?: string; url?: string; auth?: string; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
      if (req.url === '/empty') return void res.writeHead(204).end();
      if (req.url === '/gone')
        return void res
          .writeHead(409, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'lease lost' }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the agent’s client over node:http', () => {
  for (const [name, call] of [
    ['fetch', callApi],
    ['node:http', callApiOverNodeHttp],
  ] as const) {
    it(`${name}: sends the token and JSON body, reads JSON, an empty 204, and an error's message`, async () => {
      expect(await call(base, 'tok', 'POST', '/api/x', { a: 1 })).toEqual({
        status: 200,
        data: { got: '{"a":1}' },
      });
      expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/api/x', auth: 'Bearer tok' });
      expect(await call(base, 'tok', 'POST', '/empty', {})).toEqual({
        status: 204,
        data: undefined,
      });
      const err = await call(base, 'tok', 'POST', '/gone', {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: 409, message: 'lease lost' });
    });

    it(`${name}: says the coordinator cannot be reached when nothing listens`, async () => {
      const err = await call('http://127.0.0.1:1', 'tok', 'GET', '/api/x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnreachableError);
      expect((err as Error).message).toMatch(
        /^cannot reach the coordinator at http:\/\/127.0.0.1:1/,
      );
    });
  }
});
