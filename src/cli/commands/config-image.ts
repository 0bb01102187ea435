import { existsSync, writeFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { planImage } from '../../config/image/plan.js';
import { DEFAULT_RELEASE_TEXT, NEWEST_MINOR, OLDEST_MINOR } from '../../config/v3/releases.js';
import { UsageError } from '../../errors.js';

const note = (s: string) => process.stderr.write(`${s}\n`);

/** `cluster-tool config image`. */
export const configImage: CommandModule = {
  command: 'image',
  describe:
    'Write a `pcluster build-image` config that bakes the staged bundle into a custom AMI (fast boots; with --preset blender-p3, the AMI V100s need)',
  builder: (y) =>
    y
      .option('bucket', {
        type: 'string',
        demandOption: true,
        describe: 'S3 bucket given to stage',
      })
      .option('region', { type: 'string', demandOption: true, describe: 'AWS region' })
      .option('parent-image', {
        type: 'string',
        demandOption: true,
        describe:
          'AMI to build on: a ParallelCluster AMI of the OS config init gets; for a preset with V100s, the plain OS AMI',
      })
      .option('preset', {
        type: 'string',
        describe:
          "The preset the AMI is for; one with V100 GPUs (blender-p3, plenoxels) gets NVIDIA's closed kernel module and a driver that drives them",
      })
      .option('pcluster-version', {
        type: 'string',
        describe: `ParallelCluster 3 release whose pcluster build-image runs it, 3.${OLDEST_MINOR} to 3.${NEWEST_MINOR}`,
        defaultDescription: DEFAULT_RELEASE_TEXT,
      })
      .option('nvidia-driver', {
        type: 'string',
        describe: 'NVIDIA driver for V100s (a 580 release: the last branch that drives them)',
        defaultDescription: "580.173.02 where the release's own driver is newer",
      })
      .option('instance-type', {
        type: 'string',
        describe: 'Build instance type',
        defaultDescription: 'g4dn.xlarge',
      })
      .option('subnet', { type: 'string', describe: 'Subnet of the build instance' })
      .option('image-id', {
        type: 'string',
        describe: 'Id for pcluster build-image',
        defaultDescription: 'cluster-tool-PRESET, or cluster-tool-nodes',
      })
      .option('iam-policy', {
        type: 'string',
        describe: 'IAM policy ARN that lets the build instance read the bucket',
        defaultDescription: 'AmazonS3ReadOnlyAccess',
      })
      .option('out', {
        alias: 'o',
        type: 'string',
        describe: 'File to write; stdout when left out',
      })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite --out' }),
  handler: (argv) => {
    const out = argv.out as string | undefined;
    if (out && existsSync(out) && !argv.force)
      throw new UsageError(`${out} exists; pass --force to overwrite it or choose another --out`);
    const plan = planImage(
      {
        bucket: argv.bucket as string,
        region: argv.region as string,
        parentImage: argv['parent-image'] as string,
        instanceType: argv['instance-type'] as string | undefined,
        subnetId: argv.subnet as string | undefined,
        imageId: argv['image-id'] as string | undefined,
        iamPolicy: argv['iam-policy'] as string | undefined,
        preset: argv.preset as string | undefined,
        pclusterVersion: argv['pcluster-version'] as string | undefined,
        nvidiaDriver: argv['nvidia-driver'] as string | undefined,
      },
      out ?? 'image.yaml',
    );
    for (const w of plan.warnings) note(w);
    if (out) writeFileSync(out, plan.text, { flag: argv.force ? 'w' : 'wx' });
    else process.stdout.write(plan.text);
    note(`${out ? `Wrote ${out}. ` : ''}Next:\n  ${plan.next.join('\n  ')}`);
  },
};
