import path from 'node:path';
import type { CommandModule } from 'yargs';
import { s3Client } from '../../aws/clients.js';
import { jobOutputsPrefix, s3Uri } from '../../aws/layout.js';
import { fetchPrefix } from '../../aws/s3-fetch.js';
import { checkBucketName } from '../../config/ids.js';
import { UsageError } from '../../errors.js';

/** `cluster-tool fetch JOB`: a job's outputs from S3 to a local directory. */
export const fetchCommand: CommandModule = {
  command: 'fetch <job>',
  describe: "Download a job's outputs from S3",
  builder: (y) =>
    y
      .positional('job', { type: 'string', demandOption: true, describe: 'Job id' })
      .option('bucket', {
        type: 'string',
        describe: 'S3 bucket',
        defaultDescription: '$CLUSTER_TOOL_BUCKET',
      })
      .option('out', {
        type: 'string',
        describe: 'Directory to write into',
        defaultDescription: './JOB',
      })
      .option('region', { type: 'string', describe: 'AWS region of the bucket' }),
  handler: async (argv) => {
    const job = argv.job as string;
    const bucket = (argv.bucket as string | undefined) ?? process.env.CLUSTER_TOOL_BUCKET;
    if (!bucket) throw new UsageError('give --bucket (or set CLUSTER_TOOL_BUCKET)');
    const bad = checkBucketName(bucket);
    if (bad) throw new UsageError(`--bucket: ${bad}`);
    let prefix: string;
    try {
      prefix = jobOutputsPrefix(job);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const out = path.resolve((argv.out as string | undefined) ?? job);
    const got = await fetchPrefix(
      s3Client({ region: argv.region as string | undefined }),
      bucket,
      prefix,
      out,
    );
    if (got.length === 0)
      throw new UsageError(
        `no outputs under ${s3Uri(bucket, prefix)}: is the job id right, and has the job finished?`,
      );
    const n = got.filter((g) => g.action === 'downloaded').length;
    process.stdout.write(`${n} file(s) downloaded, ${got.length - n} unchanged, into ${out}\n`);
  },
};
