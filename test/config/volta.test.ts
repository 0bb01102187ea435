import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { InitFlags } from '../../src/config/flags.js';
import { planInit } from '../../src/config/generate.js';
import { planImage } from '../../src/config/image/plan.js';
import { BuildImageConfigSchema } from '../../src/config/image/schema.js';
import { BASE_FLAGS } from './init-flags.js';

// V100s (p3) on ParallelCluster 3.9+: the official AMIs carry NVIDIA's open kernel module, which
// cannot drive them, and from 3.16 their driver (595) no longer supports Volta at all. The way
// out is an AMI built with the closed module and a 580 driver (aws-parallelcluster-cookbook's
// `kernel_open` and `driver_version` attributes).

const BASE: InitFlags = BASE_FLAGS;
const AMI = 'ami-0123456789abcdef0';
const IMAGE = { bucket: 'my-render-bucket', region: 'us-east-1', parentImage: AMI };
const SUPPRESS = '--suppress-validators type:InstanceTypeBaseAMICompatibleValidator';

/** The cookbook attributes a build-image config passes, parsed. */
const chefAttributes = (text: string): unknown => {
  const doc = BuildImageConfigSchema.parse(parse(text));
  const raw = doc.DevSettings?.Cookbook?.ExtraChefAttributes;
  return raw === undefined ? undefined : JSON.parse(raw);
};

describe('V100 GPUs (p3) on ParallelCluster 3.16', () => {
  it('config init names the two commands that make the AMI p3 needs, for the preset and for --compute-instance-type p3.8xlarge', () => {
    const steps = (preset: string) =>
      new RegExp(
        `1\\. cluster-tool config image --preset ${preset} --bucket my-render-bucket --region us-east-1 --parent-image UBUNTU2204_BASE_AMI --out image\\.yaml\\n` +
          `\\s+2\\. pcluster build-image --image-id cluster-tool-${preset} --image-configuration image\\.yaml --region us-east-1`,
      );
    expect(() => planInit('blender-p3', 'v3', BASE)).toThrow(steps('blender-p3'));
    expect(() =>
      planInit('blender-g4dn', 'v3', { ...BASE, computeInstanceType: ['p3.8xlarge'] }),
    ).toThrow(steps('blender-p3'));
    expect(() => planInit('plenoxels', 'v3', BASE)).toThrow(steps('plenoxels'));
    // For a cluster pinned to an older release the image is built for that release too.
    expect(() => planInit('blender-p3', 'v3', { ...BASE, pclusterVersion: '3.14' })).toThrow(
      /cluster-tool config image --preset blender-p3 --pcluster-version 3\.14 /,
    );
  });

  it('config image --preset blender-p3 builds the closed kernel module with a 580 driver on 3.16 (cookbook kernel_open, driver_version)', () => {
    const plan = planImage({ ...IMAGE, preset: 'blender-p3' }, 'image.yaml');
    expect(plan.imageId).toBe('cluster-tool-blender-p3');
    expect(chefAttributes(plan.text)).toEqual({
      cluster: { nvidia: { enabled: 'yes', kernel_open: 'false', driver_version: '580.173.02' } },
    });
    expect(plan.config.Image?.Tags).toContainEqual({
      Key: 'cluster-tool:nvidia-kernel-module',
      Value: 'closed',
    });
    expect(plan.warnings.join('\n')).toMatch(/--parent-image: give the plain OS AMI/);
    expect(plan.next.join('\n')).toContain(
      'pcluster build-image --image-id cluster-tool-blender-p3 --image-configuration image.yaml --region us-east-1',
    );
  });

  it("keeps a release's own driver where it still drives V100s (3.15: 580, 3.14: 570)", () => {
    for (const pclusterVersion of ['3.15', '3.14', '3.11'])
      expect(
        chefAttributes(planImage({ ...IMAGE, preset: 'plenoxels', pclusterVersion }).text),
      ).toEqual({
        cluster: { nvidia: { enabled: 'yes', kernel_open: 'false' } },
      });
  });

  it('refuses a driver past the 580 branch, a driver for GPUs that need none, and the IndeX Marketplace AMI', () => {
    expect(() => planImage({ ...IMAGE, preset: 'blender-p3', nvidiaDriver: '595.112.07' })).toThrow(
      /--nvidia-driver 595\.112\.07: NVIDIA's 580 branch is the last that drives V100s/,
    );
    expect(
      chefAttributes(
        planImage({ ...IMAGE, preset: 'blender-p3', nvidiaDriver: '580.105.08' }).text,
      ),
    ).toEqual({
      cluster: { nvidia: { enabled: 'yes', kernel_open: 'false', driver_version: '580.105.08' } },
    });
    expect(() =>
      planImage({ ...IMAGE, preset: 'blender-g6e', nvidiaDriver: '580.105.08' }),
    ).toThrow(/--nvidia-driver is for a preset with V100 GPUs/);
    expect(chefAttributes(planImage({ ...IMAGE, preset: 'blender-g6e' }).text)).toBeUndefined();
    expect(() => planImage({ ...IMAGE, preset: 'index' })).toThrow(/Marketplace AMI/);
  });

  it('with that AMI, config init writes the cluster and the create-cluster command tells the validator to stand aside', () => {
    const plan = planInit('blender-p3', 'v3', { ...BASE, customAmi: AMI });
    expect(plan.next.find((c) => c.startsWith('pcluster create-cluster'))).toContain(SUPPRESS);
    expect(plan.warnings.join('\n')).toMatch(/InstanceTypeBaseAMICompatibleValidator cannot tell/);
    const other = planInit('blender-g4dn', 'v3', { ...BASE, customAmi: AMI });
    expect(other.next.join('\n')).not.toContain(SUPPRESS);
  });

  it('3.15: warns that CUDA 13 builds nothing for V100s, which svox2 needs on the nodes', () => {
    const plan = planInit('plenoxels', 'v3', { ...BASE, customAmi: AMI });
    expect(plan.warnings.join('\n')).toMatch(/CUDA 13, which compiles nothing for p3\.2xlarge/);
    const older = planInit('plenoxels', 'v3', { ...BASE, customAmi: AMI, pclusterVersion: '3.14' });
    expect(older.warnings.join('\n')).not.toMatch(/CUDA 13/);
  });
});
