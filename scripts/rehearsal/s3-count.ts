import type http from 'node:http';
import type { Socket } from 'node:net';

/**
 * What the rehearsal's S3 server has received, counted by the server itself: every byte its
 * connections read, and the bodies of the writes to a shot's contents (`cluster-tool/cas/`,
 * whole objects and multipart parts alike, by their Content-Length).
 */
export class S3Received {
  private closed = 0;
  private readonly open = new Set<Socket>();
  /** Body bytes of PUT/POST requests to `cluster-tool/cas/` keys. */
  casBytes = 0;

  constructor(server: http.Server) {
    server.on('connection', (socket: Socket) => {
      this.open.add(socket);
      socket.on('close', () => {
        this.closed += socket.bytesRead;
        this.open.delete(socket);
      });
    });
    server.on('request', (req: http.IncomingMessage) => {
      if (
        (req.method === 'PUT' || req.method === 'POST') &&
        req.url?.includes('/cluster-tool/cas/')
      )
        this.casBytes += Number(req.headers['content-length'] ?? 0);
    });
  }

  /** Every byte read from every connection so far. */
  get bytes(): number {
    let n = this.closed;
    for (const s of this.open) n += s.bytesRead;
    return n;
  }
}
