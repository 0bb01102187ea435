import { existsSync, writeFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import type { InitFlags } from '../../config/flags.js';
import { planInit, type ConfigFormat } from '../../config/generate.js';
import { LEGACY_INDEX_AMI, LEGACY_V2_FORMAT } from '../../config/legacy.js';
import { NODE_RUNTIME_VALUES } from '../../config/os-support.js';
import { listPresets, loadPreset } from '../../config/presets.js';
import { ALLOCATION_STRATEGIES } from '../../config/v3/release-rules.js';
import { DEFAULT_RELEASE_TEXT, NEWEST_MINOR, OLDEST_MINOR } from '../../config/v3/releases.js';
import { UsageError } from '../../errors.js';

const say = (s: string) => process.stdout.write(`${s}\n`);
const note = (s: string) => process.stderr.write(`${s}\n`);

/** Presets for `--help`, a legacy one labelled as such. */
const presetList = () =>
  listPresets()
    .map((p) => (loadPreset(p).requiresCustomAmi ? `${p} (${LEGACY_INDEX_AMI})` : p))
    .join(', ');

/** `--pcluster-version`'s help, shared by the config verbs. */
export const RELEASE_HELP = `ParallelCluster 3 release to write for, 3.${OLDEST_MINOR} to 3.${NEWEST_MINOR} (e.g. 3.14 where your clusters are pinned to it); its rules are followed`;

/** `cluster-tool config init`. */
export const configInit: CommandModule = {
  command: 'init',
  describe: 'Write a ParallelCluster config (v3 YAML, or v2 INI) from a preset and flags',
  builder: (y) =>
    y
      .option('preset', {
        type: 'string',
        demandOption: true,
        describe: `One of: ${presetList()}`,
      })
      .option('format', {
        choices: ['v3', 'v2'] as const,
        default: 'v3' as const,
        describe: `v3: ParallelCluster 3 YAML; v2: 2.x INI (${LEGACY_V2_FORMAT})`,
      })
      .option('pcluster-version', {
        type: 'string',
        describe: RELEASE_HELP,
        defaultDescription: DEFAULT_RELEASE_TEXT,
      })
      .option('out', {
        alias: 'o',
        type: 'string',
        describe: 'File to write; stdout when left out',
      })
      .option('force', {
        type: 'boolean',
        default: false,
        describe: 'Overwrite --out if it exists',
      })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'Print the plan, write nothing',
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'Print the plan as JSON, write nothing',
      })
      .option('region', { type: 'string', describe: 'AWS region (required)' })
      .option('key-name', { type: 'string', describe: 'EC2 key pair for SSH (required)' })
      .option('head-subnet', {
        type: 'string',
        describe: 'Subnet of the head node, public for DCV (required)',
      })
      .option('compute-subnet', {
        type: 'string',
        array: true,
        describe: 'Subnet(s) of the compute nodes',
        defaultDescription: 'the head subnet',
      })
      .option('vpc-id', { type: 'string', describe: 'VPC of the subnets (needed by --format v2)' })
      .option('head-instance-type', { type: 'string', describe: 'Head node instance type' })
      .option('compute-instance-type', {
        type: 'string',
        array: true,
        describe: "Compute instance type(s); replaces the first queue's types",
      })
      .option('min-count', {
        type: 'string',
        array: true,
        describe: 'Minimum nodes: N for every queue, or QUEUE=N',
      })
      .option('max-count', {
        type: 'string',
        array: true,
        describe: 'Maximum nodes: N for every queue, or QUEUE=N',
      })
      .option('custom-ami', {
        type: 'string',
        describe:
          'AMI id (required by the index preset, and for V100 types such as p3: `config image --preset blender-p3` makes one)',
      })
      .option('os', {
        type: 'string',
        describe: 'Image OS, e.g. ubuntu2204, ubuntu2404 (3.13+), alinux2023',
      })
      .option('ebs-size', {
        type: 'number',
        describe: 'Size in GiB of a new shared EBS volume at /shared',
      })
      .option('fsx-id', {
        type: 'string',
        describe: 'Existing FSx for Lustre file system to mount at /shared',
      })
      .option('dcv-cidr', {
        type: 'string',
        describe: 'CIDR allowed to reach DCV, e.g. 203.0.113.7/32 (required)',
      })
      .option('ssh-cidr', {
        type: 'string',
        describe: 'CIDR allowed to reach SSH',
        defaultDescription: '--dcv-cidr',
      })
      .option('bucket', {
        type: 'string',
        describe: 'S3 bucket for bootstrap files, scenes and results (required)',
      })
      .option('node-runtime', {
        choices: NODE_RUNTIME_VALUES,
        describe:
          'Node.js build the nodes run: glibc-228 (official) or glibc-217 (for OSes older than glibc 2.28)',
        defaultDescription: "the preset's, else glibc-228 (v2: glibc-217)",
      })
      .option('capacity-type', {
        choices: ['ondemand', 'spot'] as const,
        describe: 'On-demand or spot compute nodes',
      })
      .option('allocation-strategy', {
        choices: ALLOCATION_STRATEGIES,
        describe:
          'How EC2 picks instances for every queue; prioritized (on-demand) and capacity-optimized-prioritized (spot) follow the order of --compute-subnet (3.14+)',
        defaultDescription: "ParallelCluster's, lowest-price",
      })
      .epilog(
        'Every flag overrides the preset. Then stage the bootstrap files and create the cluster with the commands it prints.',
      ),
  handler: (argv) => {
    const format = argv.format as ConfigFormat;
    const out = argv.out as string | undefined;
    if (out && existsSync(out) && !argv.force && !argv['dry-run'] && !argv.json) {
      throw new UsageError(`${out} exists; pass --force to overwrite it or choose another --out`);
    }
    const flags: InitFlags = {
      region: argv.region as string | undefined,
      keyName: argv['key-name'] as string | undefined,
      headSubnet: argv['head-subnet'] as string | undefined,
      computeSubnet: argv['compute-subnet'] as string[] | undefined,
      vpcId: argv['vpc-id'] as string | undefined,
      headInstanceType: argv['head-instance-type'] as string | undefined,
      computeInstanceType: argv['compute-instance-type'] as string[] | undefined,
      minCount: argv['min-count'] as string[] | undefined,
      maxCount: argv['max-count'] as string[] | undefined,
      customAmi: argv['custom-ami'] as string | undefined,
      os: argv.os as string | undefined,
      ebsSize: argv['ebs-size'] as number | undefined,
      fsxId: argv['fsx-id'] as string | undefined,
      dcvCidr: argv['dcv-cidr'] as string | undefined,
      sshCidr: argv['ssh-cidr'] as string | undefined,
      bucket: argv.bucket as string | undefined,
      capacityType: argv['capacity-type'] as InitFlags['capacityType'],
      nodeRuntime: argv['node-runtime'] as string | undefined,
      pclusterVersion: argv['pcluster-version'] as string | undefined,
      allocationStrategy: argv['allocation-strategy'] as string | undefined,
    };
    const plan = planInit(
      argv.preset as string,
      format,
      flags,
      out ?? (format === 'v3' ? 'cluster.yaml' : 'pcluster.config'),
    );
    if (argv.json) {
      say(JSON.stringify({ ...plan, out: out ?? null }, null, 2));
      return;
    }
    for (const w of plan.warnings) note(w);
    if (argv['dry-run']) {
      say(plan.text);
      note(`(dry run: nothing written${out ? ` to ${out}` : ''})`);
      return;
    }
    if (out) writeFileSync(out, plan.text, { flag: argv.force ? 'w' : 'wx' });
    else process.stdout.write(plan.text);
    note(`${out ? `Wrote ${out}. ` : ''}Next:\n  ${plan.next.join('\n  ')}`);
  },
};
