import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planImage } from '../../src/config/image/plan.js';
import { BuildImageConfigSchema } from '../../src/config/image/schema.js';

const FLAGS = {
  bucket: 'my-render-bucket',
  region: 'us-east-1',
  parentImage: 'ami-0123456789abcdef0',
};

describe('config image', () => {
  it('writes a build-image config that passes ParallelCluster build-image schema and installs the staged bundle', () => {
    const plan = planImage(FLAGS, 'img.yaml');
    const doc = BuildImageConfigSchema.parse(parse(plan.text));
    expect(doc.Build.ParentImage).toBe('ami-0123456789abcdef0');
    expect(doc.Build.InstanceType).toBe('g4dn.xlarge');
    expect(doc.Build.Components).toEqual([
      { Type: 'script', Value: 's3://my-render-bucket/cluster-tool/bootstrap/image.sh' },
    ]);
    expect(doc.Build.Iam?.AdditionalIamPolicies?.[0]?.Policy).toMatch(/AmazonS3ReadOnlyAccess$/);
    expect(plan.next.join('\n')).toContain(
      'pcluster build-image --image-id cluster-tool-nodes --image-configuration img.yaml --region us-east-1',
    );
    expect(plan.next.join('\n')).toContain('--custom-ami');
  });

  it('uses the partition of the region and a narrower policy when given one', () => {
    const cn = planImage({ ...FLAGS, region: 'cn-north-1' });
    expect(cn.config.Build.Iam?.AdditionalIamPolicies?.[0]?.Policy).toMatch(/^arn:aws-cn:/);
    const own = planImage({
      ...FLAGS,
      iamPolicy: 'arn:aws:iam::123456789012:policy/read-render-bucket',
    });
    expect(own.warnings).toEqual([]);
  });

  it('refuses what build-image would refuse, saying what to give', () => {
    expect(() => planImage({ ...FLAGS, parentImage: 'ubuntu' })).toThrow(/--parent-image .*ami-/);
    expect(() => planImage({ ...FLAGS, imageId: '1st' })).toThrow(/--image-id/);
    expect(() => planImage({ ...FLAGS, subnetId: 'sub-1' })).toThrow(/--subnet/);
  });

  it('rejects keys the build-image schema does not have', () => {
    const doc = parse(planImage(FLAGS).text) as Record<string, Record<string, unknown>>;
    doc.Build = { ...doc.Build, ParentAmi: 'ami-0123456789abcdef0' };
    expect(BuildImageConfigSchema.safeParse(doc).success).toBe(false);
  });
});
