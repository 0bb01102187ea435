import http from 'node:http';

/** A reply: its status and its JSON body (undefined for 204). */
export interface Reply {
  status: number;
  data: Record<string, unknown> | undefined;
}

/** A POST function over one keep-alive pool: a socket per request in flight, reused after. */
export type Post = (route: string, body: unknown) => Promise<Reply>;

/**
 * POSTs JSON to the coordinator with a bearer token, as the real agent does, over keep-alive
 * sockets (a long-poll holds its socket; the pool opens as many as there are requests in flight).
 * 4xx and 5xx replies reject with the route, the status and the error the coordinator gave.
 */
export function makePost(url: string, token: string): Post {
  const base = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 65_536 });
  const auth = `Bearer ${token}`;
  return (route, body) =>
    new Promise((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = http.request(
        {
          host: base.hostname,
          port: base.port,
          path: route,
          method: 'POST',
          agent,
          headers: {
            authorization: auth,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            let data: Record<string, unknown> | undefined;
            try {
              data = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
            } catch {
              return reject(new Error(`${route}: HTTP ${status}, not JSON: ${text.slice(0, 200)}`));
            }
            if (status >= 400) {
              const why = typeof data?.error === 'string' ? data.error : text;
              return reject(new Error(`${route}: HTTP ${status}: ${why}`));
            }
            resolve({ status, data });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}
