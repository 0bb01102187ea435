import { describe, expect, it } from 'vitest';
import type { InitFlags } from '../../src/config/flags.js';
import { planInit } from '../../src/config/generate.js';
import { knownGpuCount } from '../../src/config/instance-types.js';
import { listPresets, loadPreset } from '../../src/config/presets.js';
import { pclusterV3ErrorsFor } from './pcluster/v3-releases.js';
import { BASE_FLAGS } from './init-flags.js';

const BASE: InitFlags = BASE_FLAGS;

/** GPUs per node of each preset's compute types (EC2's accelerated computing specifications). */
const RENDER_GPUS: Record<string, Record<string, number>> = {
  'blender-g5': { 'g5.12xlarge': 4, 'g5.48xlarge': 8 },
  'blender-g6': { 'g6.12xlarge': 4, 'g6.48xlarge': 8 },
  'blender-g6e': { 'g6e.12xlarge': 4, 'g6e.48xlarge': 8 },
  'blender-p4d': { 'p4d.24xlarge': 8 },
  'blender-p5': { 'p5.48xlarge': 8 },
};

describe('presets', () => {
  it("give Slurm's GPUs per node for every compute type they name", () => {
    for (const name of listPresets())
      for (const q of loadPreset(name).queues)
        for (const cr of q.computeResources)
          expect(knownGpuCount(cr.instanceType), `${name} ${cr.instanceType}`).toBeGreaterThan(0);
    for (const [name, gpus] of Object.entries(RENDER_GPUS)) {
      const types = loadPreset(name).queues.flatMap((q) => q.computeResources);
      expect(
        Object.fromEntries(types.map((cr) => [cr.instanceType, knownGpuCount(cr.instanceType)])),
        name,
      ).toEqual(gpus);
    }
  });

  it("cover today's render GPUs (A10G, L4, L40S, A100, H100) on the official AMI of 3.16 and of 3.11", () => {
    for (const name of Object.keys(RENDER_GPUS))
      for (const [pclusterVersion, minor] of [
        ['3.16.3', 16],
        ['3.11', 11],
      ] as const) {
        const { text } = planInit(name, 'v3', { ...BASE, pclusterVersion });
        expect(pclusterV3ErrorsFor(minor, text), `${name} ${pclusterVersion}`).toEqual([]);
      }
  });

  it('3.14: use only OSes ParallelCluster 3.11 to 3.16 all take, none that has ended', () => {
    for (const name of listPresets().filter((p) => !loadPreset(p).requiresCustomAmi))
      expect(loadPreset(name).os, name).toBe('ubuntu2204');
  });
});

describe('legacy paths', () => {
  it('label the 2.x format and the IndeX Marketplace AMI legacy in config init, with the dates their platform ended', () => {
    const plan = planInit('index', 'v2', {
      ...BASE,
      customAmi: 'ami-0123456789abcdef0',
      vpcId: 'vpc-0123456789abcdef0',
    });
    const warnings = plan.warnings.join('\n');
    expect(warnings).toMatch(
      /warning: --format: legacy: the 2\.x INI file .*CentOS 7 on 2024-06-30, Amazon Linux 2 on 2026-06-30/,
    );
    expect(warnings).toMatch(
      /warning: --preset: legacy: NVIDIA IndeX's Marketplace AMI is ParallelCluster 2\.8\.0 on Amazon Linux 2, which ended on 2026-06-30/,
    );
    expect(planInit('blender-g4dn', 'v3', BASE).warnings.join('\n')).not.toMatch(/legacy/);
  });
});
