import net from 'node:net';

/**
 * The rehearsal's way to S3 from inside a node's network namespace, where the S3-compatible
 * server on the host's loopback cannot be reached: a TCP listener in the namespace that pipes
 * each connection to a Unix socket (file system paths cross network namespaces), and on the
 * host side a Unix socket that pipes to the server. It plays the part of the VPC's S3 endpoint.
 */
export function pipeTo(connect: () => net.Socket): (client: net.Socket) => void {
  return (client) => {
    const upstream = connect();
    client.pipe(upstream).pipe(client);
    const close = () => (client.destroy(), upstream.destroy());
    client.on('error', close);
    upstream.on('error', close);
  };
}

/** Host side: a Unix socket at `socketPath` that reaches 127.0.0.1:`port`. */
export function listenUnix(socketPath: string, port: number): Promise<net.Server> {
  const server = net.createServer(pipeTo(() => net.connect(port, '127.0.0.1')));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve(server));
  });
}

// Node side, run as `ip netns exec NS node s3-gateway.js PORT SOCKET`: 127.0.0.1:PORT there.
if (process.argv[1]?.endsWith('s3-gateway.js')) {
  const [port, socketPath] = process.argv.slice(2);
  const server = net.createServer(pipeTo(() => net.connect(socketPath ?? '')));
  server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
