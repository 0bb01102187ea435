import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

/** Where to reach AWS. Region falls back to the SDK's chain (AWS_REGION, profile). */
export interface AwsTarget {
  region?: string;
}

/** An EC2 client for a region. */
export function ec2Client(t: AwsTarget = {}): EC2Client {
  return new EC2Client({ region: t.region });
}

/** An SSM client for a region. */
export function ssmClient(t: AwsTarget = {}): SSMClient {
  return new SSMClient({ region: t.region });
}

/** An STS client for a region (who the caller is). */
export function stsClient(t: AwsTarget = {}): STSClient {
  return new STSClient({ region: t.region });
}

/**
 * An S3 client. `CLUSTER_TOOL_S3_ENDPOINT` points it at an S3-compatible server (MinIO, a test
 * server) with path-style addressing.
 */
export function s3Client(t: AwsTarget = {}): S3Client {
  const endpoint = process.env.CLUSTER_TOOL_S3_ENDPOINT;
  return new S3Client({
    region: t.region,
    // A bucket in another region than the client's answers with a redirect: follow it.
    followRegionRedirects: true,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}
