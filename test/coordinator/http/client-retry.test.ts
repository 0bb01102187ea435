import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { callApi, UnreachableError } from '../../../src/api/http-client.js';

let close: (() => void) | undefined;
afterEach(() => close?.());

/** A server that drops the first request's connection unanswered, then answers each. */
async function droppingFirst(): Promise<{ url: string; seen: () => number }> {
  let n = 0;
  const server = createServer((req, res) => {
    n++;
    if (n === 1) {
      req.socket.destroy();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  close = () => server.close();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen: () => n,
  };
}

describe('the API client when a connection closes unanswered', () => {
  it('sends a GET again once', async () => {
    const s = await droppingFirst();
    const r = await callApi<{ ok: boolean }>(s.url, 't', 'GET', '/api/jobs');
    expect(r.data).toEqual({ ok: true });
    expect(s.seen()).toBe(2);
  });

  it('does not send a POST again: it may have been taken', async () => {
    const s = await droppingFirst();
    await expect(callApi(s.url, 't', 'POST', '/api/jobs', {})).rejects.toBeInstanceOf(
      UnreachableError,
    );
    expect(s.seen()).toBe(1);
  });
});
