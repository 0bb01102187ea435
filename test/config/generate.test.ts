import { parse as parseIni } from 'ini';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkConfigText } from '../../src/config/check.js';
import type { InitFlags } from '../../src/config/flags.js';
import { planInit } from '../../src/config/generate.js';
import { listPresets } from '../../src/config/presets.js';
import { unknownV2Keys } from '../../src/config/v2/known-keys.js';
import { unknownV3Keys } from '../../src/config/v3/known-keys.js';
import { partitionOf } from '../../src/config/partition.js';
import { isDeniedSlurmSetting } from '../../src/config/slurm-settings.js';
import { ClusterConfigV3 } from '../../src/config/v3/schema.js';
import { WITH_AMI_AND_VPC } from './init-flags.js';

/** A generated v3 file as a typed object (the schema is loose, so nothing is dropped). */
const v3 = (text: string): ClusterConfigV3 => ClusterConfigV3.parse(parse(text));
type Ini = Record<string, Record<string, unknown>>;
/** The first queue's first compute resource, as a plain record a test may corrupt. */
const firstCr = (doc: ClusterConfigV3) =>
  doc.Scheduling.SlurmQueues[0]?.ComputeResources[0] as Record<string, unknown>;
/** The first queue's compute resource `i`, typed. */
const crAt = (doc: ClusterConfigV3, i: number) => {
  const cr = doc.Scheduling.SlurmQueues[0]?.ComputeResources[i];
  if (!cr) throw new Error(`generated config lacks compute resource ${i}`);
  return cr;
};

const BASE: InitFlags = WITH_AMI_AND_VPC;

const SPREAD: InitFlags[] = [
  {},
  { capacityType: 'spot', maxCount: ['8'], minCount: ['1'] },
  {
    computeSubnet: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    ebsSize: 1000,
    os: 'ubuntu2204',
  },
  { fsxId: 'fs-0123456789abcdef0', headInstanceType: 'g5.xlarge', sshCidr: '10.0.0.0/8' },
  { computeInstanceType: ['g5.12xlarge', 'p3.8xlarge'], maxCount: ['2'] },
];

/** Every leaf value with its path, to check types. */
function leaves(v: unknown, p = ''): [string, unknown][] {
  if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, `${p}[${i}]`));
  if (v && typeof v === 'object')
    return Object.entries(v).flatMap(([k, x]) => leaves(x, p ? `${p}.${k}` : k));
  return [[p, v]];
}

describe('config init, v3', () => {
  for (const preset of listPresets()) {
    for (const [i, extra] of SPREAD.entries()) {
      it(`writes a ${preset} config (flag set ${i}) that parses back and uses only known keys`, () => {
        const flags = { ...BASE, ...extra };
        const plan = planInit(preset, 'v3', flags);
        const doc = parse(plan.text) as Record<string, unknown>;
        expect(unknownV3Keys(doc)).toEqual([]);
        const check = checkConfigText(plan.text, 'v3');
        expect(check.errors).toEqual([]);
        expect(check.spec?.queues).toEqual(plan.spec.queues);
        for (const [path, value] of leaves(doc)) {
          if (/(MinCount|MaxCount|Size|Port|ScaledownIdletime)$/.test(path))
            expect(typeof value, path).toBe('number');
          if (/(Enabled|Secured|Encrypted|EnableWriteAccess)$/.test(path))
            expect(typeof value, path).toBe('boolean');
        }
      });
    }
  }

  it('always enables DCV, Slurm, IMDSv2, scoped S3 access, SSM and the bootstrap actions', () => {
    const doc = v3(planInit('blender-g4dn', 'v3', BASE).text);
    expect(doc.HeadNode.Dcv).toEqual({ Enabled: true, Port: 8443, AllowedIps: '203.0.113.7/32' });
    expect(doc.Scheduling.Scheduler).toBe('slurm');
    expect(doc.Imds?.ImdsSupport).toBe('v2.0');
    expect(doc.HeadNode.Imds?.Secured).toBe(true);
    expect(doc.HeadNode.Iam?.S3Access).toEqual([
      { BucketName: 'my-render-bucket', KeyName: 'cluster-tool/*', EnableWriteAccess: false },
      { BucketName: 'my-render-bucket', KeyName: 'cluster-tool/jobs/*', EnableWriteAccess: true },
    ]);
    expect(doc.HeadNode.Iam?.AdditionalIamPolicies?.[0]?.Policy).toBe(
      'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    );
    expect(doc.HeadNode.CustomActions?.OnNodeConfigured?.Script).toBe(
      's3://my-render-bucket/cluster-tool/bootstrap/head-node.sh',
    );
    for (const q of doc.Scheduling.SlurmQueues) {
      expect(q.CustomActions?.OnNodeConfigured?.Script).toBe(
        's3://my-render-bucket/cluster-tool/bootstrap/compute-node.sh',
      );
      expect(q.Iam?.S3Access?.every((a) => a.EnableWriteAccess === false)).toBe(true);
    }
    expect(JSON.stringify(doc)).not.toMatch(/CustomSlurmSettings/);
  });

  it('gives the IndeX preset g4dn.4xlarge and 4 x p3.8xlarge, and warns that its AMI wants v2', () => {
    const plan = planInit('index', 'v3', BASE);
    const doc = v3(plan.text);
    expect(doc.HeadNode.InstanceType).toBe('g4dn.4xlarge');
    expect(doc.Scheduling.SlurmQueues[0]?.ComputeResources[0]).toMatchObject({
      InstanceType: 'p3.8xlarge',
      MaxCount: 4,
    });
    expect(doc.Image.CustomAmi).toBe('ami-0123456789abcdef0');
    expect(plan.warnings.join('\n')).toMatch(/2\.8\.0/);
  });

  it('applies per-queue counts with QUEUE=N', () => {
    const plan = planInit('plenoxels', 'v3', {
      ...BASE,
      minCount: ['train=1'],
      maxCount: ['train=3'],
    });
    expect(plan.spec.queues[0]?.computeResources.map((c) => [c.minCount, c.maxCount])).toEqual([
      [1, 3],
      [1, 3],
    ]);
  });

  it('prints the pcluster create-cluster command next', () => {
    expect(planInit('blender-p3', 'v3', BASE, 'c.yaml').next.join('\n')).toMatch(
      /pcluster create-cluster .*--cluster-configuration c\.yaml/,
    );
  });
});

describe('config init, v2', () => {
  for (const preset of listPresets()) {
    it(`writes a ${preset} INI with only known 2.x sections and keys that reads back`, () => {
      const plan = planInit(preset, 'v2', {
        ...BASE,
        computeInstanceType: ['p3.8xlarge'],
        os: 'alinux2',
      });
      const doc = parseIni(plan.text);
      expect(unknownV2Keys(doc)).toEqual([]);
      expect(checkConfigText(plan.text).errors).toEqual([]);
      expect(plan.text).toMatch(/^max_queue_size = \d+$/m);
      expect(plan.text).toMatch(/^encrypted = true$|^fsx_fs_id/m);
      expect(plan.next.join('\n')).toMatch(/pcluster create my-cluster --config/);
    });
  }

  it('enables DCV on the master with dcv_settings and enable = master', () => {
    const text = planInit('index', 'v2', BASE).text;
    const doc: Ini = parseIni(text);
    expect(doc['cluster default']?.dcv_settings).toBe('default');
    expect(doc['dcv default']).toEqual({
      enable: 'master',
      port: '8443',
      access_from: '203.0.113.7/32',
    });
    expect(doc['cluster default']?.scheduler).toBe('slurm');
    expect(doc['cluster default']?.s3_read_resource).toBe(
      'arn:aws:s3:::my-render-bucket/cluster-tool/*',
    );
    expect(doc['cluster default']?.post_install).toBe(
      's3://my-render-bucket/cluster-tool/bootstrap/post-install-v2.sh',
    );
  });
});

describe('config check', () => {
  const good = planInit('blender-g4dn', 'v3', BASE).text;

  it('reports a misspelt key by its path', () => {
    const r = checkConfigText(good.replace('ScaledownIdletime', 'ScaleDownIdleTime'));
    expect(r.errors.map((e) => e.path)).toContain('Scheduling.SlurmSettings.ScaleDownIdleTime');
  });

  it('reports a count written as a string, and MaxCount below MinCount', () => {
    const doc = v3(good);
    firstCr(doc).MinCount = '1';
    expect(checkConfigText(JSON.stringify(doc), 'v3').errors[0]?.path).toBe(
      'Scheduling.SlurmQueues[0].ComputeResources[0].MinCount',
    );
    firstCr(doc).MinCount = 5;
    firstCr(doc).MaxCount = 2;
    const r = checkConfigText(JSON.stringify(doc), 'v3');
    expect(r.errors).toEqual([
      expect.objectContaining({
        path: 'Scheduling.SlurmQueues[0].ComputeResources[0].MaxCount',
        message: expect.stringMatching(/below MinCount/) as unknown,
      }),
    ]);
  });

  it('rejects queue names ParallelCluster refuses, Slurm settings it manages, and IndeX without an AMI', () => {
    const doc = v3(planInit('index', 'v3', BASE).text);
    const queue = doc.Scheduling.SlurmQueues[0];
    if (!queue || !doc.Scheduling.SlurmSettings) throw new Error('generated config lacks a queue');
    queue.Name = 'GPU_queue';
    doc.Scheduling.SlurmSettings.CustomSlurmSettings = [{ GresTypes: 'gpu' }, { SuspendTime: 60 }];
    delete doc.Image.CustomAmi;
    const paths = checkConfigText(JSON.stringify(doc), 'v3').errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'Scheduling.SlurmQueues[0].Name',
        'Scheduling.SlurmSettings.CustomSlurmSettings[0].GresTypes',
        'Scheduling.SlurmSettings.CustomSlurmSettings[1].SuspendTime',
        'Image.CustomAmi',
      ]),
    );
    expect(isDeniedSlurmSetting('taskplugin')).toBe(true);
  });

  it('reports a missing subnet', () => {
    const doc = v3(good);
    const queue = doc.Scheduling.SlurmQueues[0];
    if (queue) queue.Networking.SubnetIds = [];
    expect(checkConfigText(JSON.stringify(doc), 'v3').errors.map((e) => e.path)).toContain(
      'Scheduling.SlurmQueues[0].Networking.SubnetIds',
    );
  });

  it('writes Instances for a queue with two subnets, and reports InstanceType there in an edited file', () => {
    const subnets = ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'];
    const plan = planInit('blender-g4dn', 'v3', { ...BASE, computeSubnet: subnets });
    const doc = v3(plan.text);
    expect(doc.Scheduling.SlurmQueues[0]?.ComputeResources[0]).toMatchObject({
      Name: 'g4dn-12xl',
      Instances: [{ InstanceType: 'g4dn.12xlarge' }],
    });
    expect(firstCr(doc).InstanceType).toBeUndefined();
    expect(checkConfigText(plan.text).errors).toEqual([]);
    delete firstCr(doc).Instances;
    firstCr(doc).InstanceType = 'g4dn.12xlarge';
    expect(checkConfigText(JSON.stringify(doc), 'v3').errors).toEqual([
      expect.objectContaining({
        path: 'Scheduling.SlurmQueues[0].ComputeResources[0].InstanceType',
        message: expect.stringMatching(/SingleInstanceTypeSubnetValidator/) as unknown,
      }),
    ]);
  });

  it('reports in an edited file what ParallelCluster 3 refuses: its dropped OS, OSes without an AMI or DCV, V100s on its AMI, uppercase names, short FSx ids', () => {
    const edit = (change: (doc: ClusterConfigV3) => void) => {
      const doc = v3(good);
      change(doc);
      return checkConfigText(JSON.stringify(doc), 'v3').errors.map(
        (e) => `${e.path}: ${e.message}`,
      );
    };
    expect(edit((d) => (d.Image.Os = 'centos7'))).toEqual([
      expect.stringMatching(/^Image\.Os: ParallelCluster 3\.10 dropped centos7/),
    ]);
    expect(edit((d) => (d.Image = { Os: 'rocky9' }))).toEqual([
      expect.stringMatching(/^Image\.CustomAmi: ParallelCluster publishes no AMI for rocky9/),
    ]);
    // DCV on alinux2023 came in 3.14: a file for 3.13 is refused, one for the current release is not.
    const release = (d: ClusterConfigV3, v: string) => {
      const tag = d.Tags?.find((t) => t.Key === 'cluster-tool:pcluster-version');
      if (tag) tag.Value = v;
    };
    expect(
      edit((d) => {
        d.Image.Os = 'alinux2023';
        release(d, '3.13');
      }),
    ).toEqual([
      expect.stringMatching(
        /^Image\.Os: Amazon DCV runs on alinux2023 from ParallelCluster 3\.14 on/,
      ),
    ]);
    expect(edit((d) => (d.Image.Os = 'alinux2023'))).toEqual([]);
    expect(
      edit((d) => {
        // An OS that runs the official Node.js build: the V100 is the only problem here.
        d.Image = { Os: 'ubuntu2204' };
        crAt(d, 1).InstanceType = 'p3.8xlarge';
      }),
    ).toEqual([
      expect.stringMatching(
        /^Scheduling\.SlurmQueues\[0\]\.ComputeResources\[1\]\.InstanceType: p3\.8xlarge's GPUs/,
      ),
    ]);
    expect(edit((d) => (crAt(d, 0).Name = 'G4dn'))).toEqual([
      expect.stringMatching(
        /^Scheduling\.SlurmQueues\[0\]\.ComputeResources\[0\]\.Name: compute resource name "G4dn"/,
      ),
    ]);
    expect(
      edit(
        (d) =>
          (d.SharedStorage = [
            {
              Name: 'shared',
              MountDir: '/shared',
              StorageType: 'FsxLustre',
              FsxLustreSettings: { FileSystemId: 'fs-01234567' },
            },
          ]),
      ),
    ).toEqual([
      expect.stringMatching(/FileSystemId: "fs-01234567" is not an FSx for Lustre file system id/),
    ]);
  });

  it('reports a base_os ParallelCluster 2.8.0 refuses, and one it does not know, instead of reading alinux2', () => {
    const text = planInit('index', 'v2', BASE).text;
    for (const os of ['ubuntu2004', 'ubuntu1604-typo']) {
      const r = checkConfigText(text.replace('base_os = alinux2', `base_os = ${os}`));
      expect(r.errors).toEqual([
        expect.objectContaining({
          path: '[cluster default] base_os',
          message: expect.stringMatching(/use alinux2 or centos7/) as unknown,
        }),
      ]);
    }
  });

  it('refuses 2.x keys that came after 2.8.0, as 2.8.0 itself does', () => {
    const text = planInit('index', 'v2', BASE).text;
    const edited = text
      .replace('scheduler = slurm', 'scheduler = slurm\ndashboard_settings = default')
      .replace('encrypted = true', 'encrypted = true\nvolume_throughput = 125');
    expect(checkConfigText(edited).errors.map((e) => e.path)).toEqual([
      '[cluster default] dashboard_settings',
      '[ebs shared] volume_throughput',
    ]);
  });

  it('writes plain YAML without anchors, so editing one entry changes only that one', () => {
    expect(good).not.toMatch(/[&*]a\d/);
  });
});

describe('partitionOf', () => {
  it('names the isolated partitions, so ARNs in iso regions are right', () => {
    expect(
      ['us-east-1', 'cn-north-1', 'us-gov-west-1', 'us-iso-east-1', 'us-isob-east-1'].map(
        partitionOf,
      ),
    ).toEqual(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b']);
  });
});
