import type { CommandModule } from 'yargs';
import { s3Client } from '../../aws/clients.js';
import { jobOutputsPrefix, s3Uri } from '../../aws/layout.js';
import { uploadJobOutputs } from '../../aws/s3-outputs.js';
import type { JobDetail } from '../../api/types.js';
import { checkBucketName } from '../../config/ids.js';
import { UsageError } from '../../errors.js';
import { CoordinatorConnection, withCoordinatorOptions } from '../connection.js';
import { ranRemotely, withClusterOption } from '../remote.js';

/** The bucket from --bucket or $CLUSTER_TOOL_BUCKET (the head node's env file sets it), checked. */
export function bucketArg(argv: Record<string, unknown>): string {
  const bucket = (argv.bucket as string | undefined) ?? process.env.CLUSTER_TOOL_BUCKET;
  if (!bucket) throw new UsageError('give --bucket (or set CLUSTER_TOOL_BUCKET)');
  const bad = checkBucketName(bucket);
  if (bad) throw new UsageError(`--bucket: ${bad}`);
  return bucket;
}

/** `cluster-tool upload JOB`: a job's outputs from the head node to S3, for `fetch`. */
export const uploadCommand: CommandModule = {
  command: 'upload <job>',
  describe:
    "Upload a job's outputs to S3 (run on the head node; `fetch --cluster` runs it for you)",
  builder: (y) =>
    withCoordinatorOptions(withClusterOption(y)).positional('job', {
      type: 'string',
      demandOption: true,
      describe: 'Job id',
    }),
  handler: async (argv) => {
    if (await ranRemotely('upload', argv, { positional: ['job'] })) return;
    const bucket = bucketArg(argv);
    const id = argv.job as string;
    try {
      jobOutputsPrefix(id);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const job = await CoordinatorConnection.fromArgs(argv).request<JobDetail>(
      'GET',
      `/api/jobs/${encodeURIComponent(id)}`,
    );
    const s3 = s3Client({ region: argv.region as string | undefined });
    try {
      const got = await uploadJobOutputs(s3, bucket, job.id, job.outputDir);
      const sent = got.filter((g) => g.action === 'uploaded').length;
      const running = job.state === 'running' || job.state === 'queued';
      process.stdout.write(
        `${sent} file(s) uploaded, ${got.length - sent} unchanged, to ${s3Uri(bucket, jobOutputsPrefix(job.id))}` +
          `${running ? ` (job ${job.id} is still ${job.state}: run again for the rest)` : ''}\n`,
      );
    } finally {
      s3.destroy();
    }
  },
};
