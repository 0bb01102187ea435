import path from 'node:path';
import type { CommandModule } from 'yargs';
import { s3Client } from '../../aws/clients.js';
import { jobOutputsPrefix, s3Uri } from '../../aws/layout.js';
import { fetchPrefix } from '../../aws/s3-fetch.js';
import { CliError, UsageError } from '../../errors.js';
import { runRemotelyIfAsked, withClusterOption } from '../remote.js';
import { bucketArg } from './upload.js';

/** `cluster-tool fetch JOB`: a job's outputs from S3 to a local directory. */
export const fetchCommand: CommandModule = {
  command: 'fetch <job>',
  describe: "Download a job's outputs from S3 (with --cluster, the head node uploads them first)",
  builder: (y) =>
    withClusterOption(y)
      .positional('job', { type: 'string', demandOption: true, describe: 'Job id' })
      .option('bucket', {
        type: 'string',
        describe: 'S3 bucket (the one given to config init)',
        defaultDescription: '$CLUSTER_TOOL_BUCKET',
      })
      .option('out', {
        type: 'string',
        describe: 'Directory to write into',
        defaultDescription: './JOB',
      }),
  handler: async (argv) => {
    const job = argv.job as string;
    const bucket = bucketArg(argv);
    let prefix: string;
    try {
      prefix = jobOutputsPrefix(job);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (argv.cluster !== undefined) {
      // Only the head node sees the job's files: it puts them in the bucket, then we read them.
      const code = await runRemotelyIfAsked(
        'upload',
        {
          _: ['upload'],
          job,
          cluster: argv.cluster,
          region: argv.region,
          'remote-timeout': argv['remote-timeout'],
        },
        { positional: ['job'], extra: [`--bucket=${bucket}`] },
      );
      if (code !== 0)
        throw new CliError(`the head node could not upload job ${job}'s outputs (exit ${code})`);
    }
    const out = path.resolve((argv.out as string | undefined) ?? job);
    const s3 = s3Client({ region: argv.region as string | undefined });
    const got = await fetchPrefix(s3, bucket, prefix, out).finally(() => s3.destroy());
    if (got.length === 0)
      throw new UsageError(
        `no outputs under ${s3Uri(bucket, prefix)}: is the job id right, and has the job finished?` +
          (argv.cluster === undefined
            ? ' The head node uploads them: add --cluster NAME (or run `cluster-tool upload JOB` there).'
            : ''),
      );
    const n = got.filter((g) => g.action === 'downloaded').length;
    process.stdout.write(`${n} file(s) downloaded, ${got.length - n} unchanged, into ${out}\n`);
  },
};
