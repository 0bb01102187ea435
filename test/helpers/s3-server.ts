import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
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

// s3rver checks no checksums and answers with none: the SDK must not insist on them.
const CHECKSUMS = 'WHEN_REQUIRED';

/** A real SDK client of that server. */
export function s3ClientOf(endpoint: string): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: CHECKSUMS,
    responseChecksumValidation: CHECKSUMS,
  });
}

/** The environment that points the CLI's own SDK clients at that server. */
export function cliEnvOf(endpoint: string): Record<string, string> {
  return {
    CLUSTER_TOOL_S3_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_REQUEST_CHECKSUM_CALCULATION: CHECKSUMS,
    AWS_RESPONSE_CHECKSUM_VALIDATION: CHECKSUMS,
  };
}
