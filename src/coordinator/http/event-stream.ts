import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Answers with a text/event-stream that `subscribe` writes to until the client goes, with a
 * comment line every 15 s so proxies keep it open. A HEAD request (which the router answers on
 * every GET route) gets the headers and an end: it has no body to wait for.
 */
export function sendEventStream(
  req: FastifyRequest,
  reply: FastifyReply,
  subscribe: (write: (chunk: string) => void) => () => void,
  greeting = '',
): void {
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  if (req.method === 'HEAD') {
    reply.raw.end();
    return;
  }
  if (greeting) reply.raw.write(greeting);
  const off = subscribe((chunk) => reply.raw.write(chunk));
  const ping = setInterval(() => reply.raw.write(': ping\n\n'), 15_000);
  req.raw.once('close', () => {
    off();
    clearInterval(ping);
  });
}
