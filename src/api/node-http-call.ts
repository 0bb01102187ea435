import http from 'node:http';
import { replyOf, UnreachableError } from './http-client.js';

/**
 * `callApi` over `node:http` (and `node:https` for an https URL), for the agent: the first
 * `fetch` of a process loads undici, 0.05 to 0.25 s of an agent's start before it can register
 * (a node job's agent starts with every node the job gets), where `node:http` is part of Node's
 * own start. Same requests, same replies and errors (`replyOf`, `UnreachableError`).
 */
export async function callApiOverNodeHttp<T>(
  baseUrl: string,
  token: string,
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<{ status: number; data: T | undefined }> {
  const url = new URL(route, baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  let reply: { status: number; text: string };
  try {
    const request = url.protocol === 'https:' ? (await import('node:https')).request : http.request;
    reply = await new Promise((resolve, reject) => {
      const req = request(url, { method, headers, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new UnreachableError(
      `cannot reach the coordinator at ${baseUrl}: ${(err as Error).message}`,
    );
  }
  return replyOf<T>(reply.status, reply.text);
}
