import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import yargs from 'yargs';
import { parse } from 'yaml';
import {
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  DescribeKeyPairsCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { configCommand } from '../../src/cli/commands/config.js';
import { ClusterConfigV3 } from '../../src/config/v3/schema.js';
import { UsageError } from '../../src/errors.js';

let out = '';
let err = '';

async function cli(args: string[]): Promise<{ out: string; err: string }> {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  await yargs(args)
    .command(configCommand)
    .strict()
    .exitProcess(false)
    .fail((msg, e) => {
      throw e ?? new UsageError(msg);
    })
    .parseAsync();
  vi.restoreAllMocks();
  return { out, err };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-cfg-'));
const GOOD = [
  '--region',
  'us-east-1',
  '--key-name',
  'k',
  '--head-subnet',
  'subnet-0123456789abcdef0',
  '--bucket',
  'my-render-bucket',
  '--dcv-cidr',
  '203.0.113.7/32',
];

afterEach(() => vi.restoreAllMocks());

/** GOOD with any flag that `flags` also gives removed (yargs would make a repeated flag a list). */
function withOverrides(flags: string[]): string[] {
  const given = new Set(flags.filter((f) => f.startsWith('--')));
  const base: string[] = [];
  for (let i = 0; i < GOOD.length; i += 2)
    if (!given.has(GOOD[i] ?? '')) base.push(GOOD[i] ?? '', GOOD[i + 1] ?? '');
  return [...base, ...flags];
}

describe('cluster-tool config init', () => {
  it('writes the file and prints the commands to run next', async () => {
    const out = path.join(dir, 'ok.yaml');
    const r = await cli(['config', 'init', '--preset', 'blender-g4dn', '--out', out, ...GOOD]);
    expect(ClusterConfigV3.parse(parse(readFileSync(out, 'utf8'))).HeadNode.Dcv?.Enabled).toBe(
      true,
    );
    expect(r.err).toMatch(/cluster-tool stage --bucket my-render-bucket/);
    expect(r.err).toMatch(/pcluster create-cluster/);
  });

  it('prints a JSON plan with --json and writes nothing', async () => {
    const out = path.join(dir, 'plan.yaml');
    const r = await cli([
      'config',
      'init',
      '--preset',
      'plenoxels',
      '--out',
      out,
      '--json',
      '--custom-ami',
      'ami-0123456789abcdef0',
      ...GOOD,
    ]);
    expect(JSON.parse(r.out)).toMatchObject({ format: 'v3', preset: 'plenoxels' });
    expect(existsSync(out)).toBe(false);
  });

  const bad: [string, string[], RegExp][] = [
    [
      'an unknown preset',
      ['--preset', 'maya'],
      /unknown preset "maya"; choose one of: .*blender-g4dn/,
    ],
    [
      'a misspelt instance size',
      ['--preset', 'blender-g4dn', '--compute-instance-type', 'g5.12xlargee'],
      /--compute-instance-type: "g5.12xlargee" is not an EC2 instance type/,
    ],
    [
      'an OS ParallelCluster 3 no longer takes',
      ['--preset', 'blender-g4dn', '--os', 'centos7'],
      /--os: ParallelCluster 3\.10 dropped centos7 .*ParallelCluster 3\.16\.3 takes .*pick --os ubuntu2204/,
    ],
    [
      "V100 GPUs on ParallelCluster 3's official AMI",
      ['--preset', 'blender-p3'],
      /--compute-instance-type: p3\.8xlarge's GPUs .*need NVIDIA's closed kernel module/,
    ],
    [
      'an OS ParallelCluster 2.8.0 does not know',
      [
        '--preset',
        'plenoxels',
        '--format',
        'v2',
        '--compute-instance-type',
        'p3.8xlarge',
        '--vpc-id',
        'vpc-0123456789abcdef0',
        '--os',
        'ubuntu2004',
      ],
      /--os: ParallelCluster 2\.8\.0 with DCV does not accept base_os "ubuntu2004".*use alinux2 or centos7/,
    ],
    [
      'MaxCount below MinCount',
      ['--preset', 'blender-g4dn', '--min-count', '4', '--max-count', '2'],
      /--max-count: MaxCount 2 is below MinCount 4/,
    ],
    [
      'a malformed subnet',
      ['--preset', 'blender-g4dn', '--compute-subnet', 'subnet-xyz'],
      /--compute-subnet: "subnet-xyz" is not a subnet id/,
    ],
    [
      'a malformed AMI',
      ['--preset', 'index', '--custom-ami', 'ami-12'],
      /--custom-ami: "ami-12" is not an AMI id/,
    ],
    [
      'IndeX without an AMI',
      ['--preset', 'index'],
      /--custom-ami: preset "index" runs on its Marketplace AMI/,
    ],
    [
      'a bucket S3 would reject',
      ['--preset', 'blender-g4dn', '--bucket', 'My_Bucket'],
      /--bucket: bucket name "My_Bucket" would be rejected by S3/,
    ],
    [
      'a CIDR that does not parse',
      ['--preset', 'blender-g4dn', '--dcv-cidr', '300.1.2.3/33'],
      /--dcv-cidr: "300.1.2.3\/33" is not an IPv4 CIDR/,
    ],
    [
      'a v2 config without a VPC',
      ['--preset', 'index', '--format', 'v2', '--custom-ami', 'ami-0123456789abcdef0'],
      /--vpc-id: the 2.x format needs the VPC id/,
    ],
  ];
  for (const [what, flags, message] of bad) {
    it(`refuses ${what} with a clear error and writes nothing`, async () => {
      const out = path.join(dir, `bad-${what.replace(/\W+/g, '-')}.yaml`);
      await expect(cli(['config', 'init', '--out', out, ...withOverrides(flags)])).rejects.toThrow(
        message,
      );
      expect(existsSync(out)).toBe(false);
    });
  }

  it('refuses to overwrite an existing file unless --force', async () => {
    const out = path.join(dir, 'exists.yaml');
    writeFileSync(out, 'keep me');
    await expect(
      cli(['config', 'init', '--preset', 'blender-g4dn', '--out', out, ...GOOD]),
    ).rejects.toThrow(/exists; pass --force/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    await cli(['config', 'init', '--preset', 'blender-g4dn', '--out', out, '--force', ...GOOD]);
    expect(readFileSync(out, 'utf8')).toMatch(/HeadNode:/);
  });
});

describe('cluster-tool config check', () => {
  it('prints one line per problem with the key path and fails', async () => {
    const file = path.join(dir, 'check.yaml');
    await cli(['config', 'init', '--preset', 'blender-g4dn', '--out', file, ...GOOD]);
    writeFileSync(file, readFileSync(file, 'utf8').replace('MaxCount: 4', 'MaxCount: "4"'));
    await expect(cli(['config', 'check', file])).rejects.toThrow(/1 error/);
    expect(out).toMatch(
      /^error: Scheduling\.SlurmQueues\[0\]\.ComputeResources\[0\]\.MaxCount: .*number/m,
    );
  });

  it('passes a generated file', async () => {
    const file = path.join(dir, 'check-ok.yaml');
    await cli([
      'config',
      'init',
      '--preset',
      'index',
      '--format',
      'v2',
      '--out',
      file,
      '--custom-ami',
      'ami-0123456789abcdef0',
      '--vpc-id',
      'vpc-0123456789abcdef0',
      ...GOOD,
    ]);
    const r = await cli(['config', 'check', file]);
    expect(r.out).toMatch(/0 error\(s\)/);
  });
});

describe("an instance type missing from cluster-tool's table", () => {
  const ec2Mock = mockClient(EC2Client);
  afterEach(() => ec2Mock.reset());

  it('is written with a warning whose `config check --aws` command then asks EC2 and passes', async () => {
    const file = path.join(dir, 'gr6.yaml');
    const init = await cli([
      'config',
      'init',
      '--preset',
      'blender-g4dn',
      '--compute-instance-type',
      'gr6.8xlarge',
      '--out',
      file,
      ...GOOD,
    ]);
    expect(readFileSync(file, 'utf8')).toMatch(/InstanceType: gr6\.8xlarge/);
    const suggested = /`(cluster-tool config check [^`]+ --aws)`/.exec(init.err)?.[1];
    expect(init.err).toMatch(
      /^warning: --compute-instance-type: gr6\.8xlarge is not in cluster-tool's table/m,
    );
    expect(suggested).toBe(`cluster-tool config check ${file} --aws`);
    expect(init.err).toContain(`Next:\n  ${suggested ?? ''}\n`);

    const offline = await cli(['config', 'check', file]);
    expect(offline.out).toMatch(/0 error\(s\), 1 warning\(s\)/);

    ec2Mock
      .on(DescribeInstanceTypesCommand)
      .callsFake(async (input: { InstanceTypes: string[] }) => ({
        InstanceTypes: [
          {
            InstanceType: input.InstanceTypes[0],
            GpuInfo: {
              Gpus: [
                {
                  Count: 1,
                  Manufacturer: 'NVIDIA',
                },
              ],
            },
            ProcessorInfo: { SupportedArchitectures: ['x86_64'] },
          },
        ],
      }));
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [] });
    ec2Mock
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [{ VpcId: 'vpc-1', AvailabilityZone: 'us-east-1a' }] });
    ec2Mock.on(DescribeKeyPairsCommand).resolves({ KeyPairs: [{ KeyName: 'k' }] });
    const args = (suggested ?? '').split(' ').slice(1);
    const online = await cli(args);
    expect(online.out).toMatch(/^info: gr6\.8xlarge has 1 GPU\(s\) per node$/m);
    expect(online.out).toMatch(/0 error\(s\), 0 warning\(s\) \(v3, checked with EC2\)/);
  });
});

describe('cluster-tool config --help', () => {
  it('labels the legacy paths, with the date their platform ended, and offers the release to write for', async () => {
    let printed = '';
    // yargs prints its help through console.log.
    vi.spyOn(console, 'log').mockImplementation((s: unknown) => void (printed += String(s)));
    await cli(['config', 'init', '--help']);
    const help = printed.replace(/\s+/g, ' ');
    expect(help).toMatch(/--format .*v2: 2\.x INI \(legacy: .*Amazon Linux 2 on 2026-06-30\)/);
    expect(help).toMatch(/index \(legacy: NVIDIA IndeX's Marketplace AMI .*ended on 2026-06-30/);
    expect(help).toMatch(/--pcluster-version .*\[default: 3\.16\.3\]/);
  });
});

describe('cluster-tool config image', () => {
  it('writes, for --preset blender-p3, the build-image config of the AMI V100s need', async () => {
    const out = path.join(dir, 'image-p3.yaml');
    const r = await cli([
      'config',
      'image',
      '--preset',
      'blender-p3',
      '--bucket',
      'my-render-bucket',
      '--region',
      'us-east-1',
      '--parent-image',
      'ami-0123456789abcdef0',
      '--out',
      out,
    ]);
    const doc = parse(readFileSync(out, 'utf8')) as {
      DevSettings: { Cookbook: { ExtraChefAttributes: string } };
    };
    expect(JSON.parse(doc.DevSettings.Cookbook.ExtraChefAttributes)).toMatchObject({
      cluster: { nvidia: { kernel_open: 'false', driver_version: '580.173.02' } },
    });
    expect(r.err).toMatch(/pcluster build-image --image-id cluster-tool-blender-p3/);
  });
});
