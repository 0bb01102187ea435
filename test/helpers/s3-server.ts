import { mkdirSync } from 'node:fs';
import path from 'node:path';
import S3rver from 's3rver';

/** A real S3-compatible server on loopback, its objects under `<dir>/server`, with one bucket. */
export async function startS3Server(
  dir: string,
  bucket: string,
): Promise<{ server: S3rver; endpoint: string }> {
  mkdirSync(path.join(dir, 'server'), { recursive: true });
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: path.join(dir, 'server'),
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  return { server, endpoint: `http://127.0.0.1:${port}` };
}
