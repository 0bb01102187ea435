import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileCacheControl } from '../../../src/coordinator/http/files.js';
import { send, startProbeServer, type ProbeServer, type SendOptions } from './route-probe.js';

// What a browser may keep of a job's file: a versioned thumbnail for good, nothing else, whatever
// the spelling of its name.

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

describe('what a browser may keep of a file', () => {
  it('keeps a versioned thumbnail for good, and nothing else', async () => {
    const a = s.jobs[0];
    mkdirSync(path.join(a.dir, 'thumbs'), { recursive: true });
    mkdirSync(path.join(a.dir, 'logs'), { recursive: true });
    writeFileSync(path.join(a.dir, 'thumbs', 'frame_0001.jpg'), 'jpg');
    writeFileSync(path.join(a.dir, 'logs', 'x.log'), 'log');
    const file = (rel: string) => `/api/jobs/${a.id}/files/${rel}`;
    const cacheOf = async (rel: string) => {
      const res = await call('GET', file(rel), { cookie: cookieOf(secret) });
      return `${res.status} ${String(res.headers['cache-control'])}`;
    };
    const keep = '200 private, max-age=31536000, immutable';
    expect(await cacheOf('thumbs/frame_0001.jpg?v=1712345678901')).toBe(keep);
    expect(await cacheOf('thumbs/frame_0001.jpg')).toBe('200 no-store');
    expect(await cacheOf('thumbs/frame_0001.jpg?v=')).toBe('200 no-store');
    expect(await cacheOf('thumbs/frame_0001.jpg?v=1&v=2')).toBe('200 no-store');
    expect(await cacheOf('thumbs/frame_0001.jpg?w=1')).toBe('200 no-store');
    expect(await cacheOf('output/x.png?v=1')).toBe('200 no-store');
    expect(await cacheOf('logs/x.log?v=1')).toBe('200 no-store');
    // Another file reached through the thumbs/ folder's name is not a thumbnail.
    expect(await cacheOf('thumbs/../logs/x.log?v=1')).toMatch(/^(404 .*|200 no-store)$/);
    expect(await cacheOf('thumbs/%2e%2e/logs/x.log?v=1')).toMatch(/^(404 .*|200 no-store)$/);
    expect(fileCacheControl(a.dir, path.join(a.dir, 'thumbs', '..', 'logs', 'x.log'), '1')).toBe(
      'no-store',
    );
    const res = await call('GET', file('thumbs/frame_0001.jpg?v=1'), { cookie: cookieOf(secret) });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
