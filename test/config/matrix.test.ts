import { describe, expect, it } from 'vitest';
import { checkConfigText } from '../../src/config/check.js';
import { buildSpec, type InitFlags } from '../../src/config/flags.js';
import { planInit, type ConfigFormat } from '../../src/config/generate.js';
import { listPresets, loadPreset } from '../../src/config/presets.js';
import { buildV2 } from '../../src/config/v2/build.js';
import { stringifyV2 } from '../../src/config/v2/read.js';
import { buildV3 } from '../../src/config/v3/build.js';
import { UsageError } from '../../src/errors.js';
import { stringify } from 'yaml';
import { pclusterV2Errors } from './pcluster/v2-validators.js';
import { pclusterV3ErrorsFor } from './pcluster/v3-releases.js';
import type { PclusterFailure } from './pcluster/v3-validators.js';
import { BASE_FLAGS } from './init-flags.js';

// Every combination `config init` can be asked for across presets, formats, ParallelCluster 3
// releases and the flags people change, each judged by an independent re-statement of
// ParallelCluster's own checks (./pcluster/: 3.11.1's validators, and what 3.12-3.16 changed in
// them): init must either refuse it, naming the flag to change, or write a file that the release
// accepts and that `config check` passes.

const BASE: InitFlags = { ...BASE_FLAGS, vpcId: 'vpc-0123456789abcdef0' };
const AMI = 'ami-0123456789abcdef0';
const SUBNET_A = 'subnet-0aaaaaaaaaaaaaaaa';
const SUBNET_B = 'subnet-0bbbbbbbbbbbbbbbb';
const OSES = [
  undefined,
  'alinux2',
  'alinux2023',
  'ubuntu2004',
  'ubuntu2204',
  'ubuntu2404',
  'rhel8',
  'rhel9',
  'rocky8',
  'rocky9',
  'centos7',
  'ubuntu1804',
];
/** `--pcluster-version` values: every minor cluster-tool writes for; undefined is 3.16.3. */
const RELEASES = ['3.11', '3.12', '3.13', '3.14', '3.15', undefined];
const minorOf = (v: string | undefined) => Number((v ?? '3.16').split('.')[1]);
/** The Node.js builds the bundle can carry: the official one, and the one older glibcs run. */
const NODE_RUNTIMES = [undefined, 'glibc-217'] as const;
const SUBNETS: (string[] | undefined)[] = [undefined, [SUBNET_A, SUBNET_B], [SUBNET_A, SUBNET_A]];
/** Flags varied one at a time on top of preset x format x AMI x subnets. */
const EXTRAS: InitFlags[] = [
  { computeInstanceType: ['g5.12xlarge'] },
  { computeInstanceType: ['g6e.12xlarge'] },
  { computeInstanceType: ['p3.8xlarge'] },
  { computeInstanceType: ['g5.12xlarge', 'g6.12xlarge'] },
  { computeInstanceType: ['g5.12xlarge', 'g5.12xlarge'] },
  { headInstanceType: 'p3.2xlarge' },
  { headInstanceType: 'g6e.xlarge' },
  { capacityType: 'spot' },
  { maxCount: ['0'] },
  { minCount: ['2'] },
  { minCount: ['3'], maxCount: ['2'] },
  { fsxId: 'fs-0123456789abcdef0' },
  { fsxId: 'fs-01234567' },
  { ebsSize: 16384 },
  { ebsSize: 20000 },
  { region: 'us-gov-west-1' },
  { region: 'cn-north-1' },
  { region: 'us-iso-east-1' },
  { sshCidr: '10.0.0.0/8' },
  { vpcId: undefined },
  { computeInstanceType: ['g6e.12xlarge', 'p5.48xlarge'] },
];
/** Allocation strategies on both capacity types, varied over the releases that added them. */
const STRATEGY_EXTRAS: InitFlags[] = [
  'lowest-price',
  'capacity-optimized',
  'price-capacity-optimized',
  'prioritized',
  'capacity-optimized-prioritized',
  'no-such-strategy',
].flatMap((allocationStrategy) =>
  (['spot', 'ondemand'] as const).flatMap((capacityType) =>
    ['3.11', '3.13', '3.14', undefined].map((pclusterVersion) => ({
      allocationStrategy,
      capacityType,
      pclusterVersion,
    })),
  ),
);

interface Combo {
  preset: string;
  format: ConfigFormat;
  flags: InitFlags;
}

/** The combinations of one preset and format: the full spread on the current release, every OS on the older ones. */
function combos(preset: string, format: ConfigFormat): Combo[] {
  const out: Combo[] = [];
  for (const customAmi of [undefined, AMI]) {
    for (const os of OSES)
      for (const nodeRuntime of NODE_RUNTIMES)
        for (const computeSubnet of SUBNETS)
          out.push({
            preset,
            format,
            flags: { ...BASE, customAmi, os, nodeRuntime, computeSubnet },
          });
    for (const extra of EXTRAS)
      for (const computeSubnet of SUBNETS.slice(0, 2))
        out.push({ preset, format, flags: { ...BASE, customAmi, computeSubnet, ...extra } });
    if (format === 'v2') continue;
    for (const pclusterVersion of RELEASES.slice(0, -1))
      for (const os of OSES)
        out.push({ preset, format, flags: { ...BASE, customAmi, os, pclusterVersion } });
    if (preset === 'blender-g4dn')
      for (const extra of STRATEGY_EXTRAS)
        for (const computeSubnet of SUBNETS.slice(0, 2))
          out.push({ preset, format, flags: { ...BASE, customAmi, computeSubnet, ...extra } });
  }
  return out;
}

const INIT_FLAGS =
  /--(region|key-name|head-subnet|compute-subnet|vpc-id|head-instance-type|compute-instance-type|min-count|max-count|custom-ami|os|node-runtime|ebs-size|fsx-id|dcv-cidr|ssh-cidr|bucket|capacity-type|format|pcluster-version|allocation-strategy)\b/;

// Refusals that are cluster-tool's own, not ParallelCluster's: the IndeX preset's software is on
// its Marketplace AMI, the 2.x file has room for one instance type and one compute subnet, and
// a node whose glibc is older than the chosen Node.js build needs would fail its bootstrap.
const OWN_REFUSALS = [
  /Marketplace AMI/,
  /Node\.js build needs/,
  /the 2\.x format has one compute instance type/,
  /the 2\.x format takes one compute subnet/,
];

const describeCombo = (c: Combo) =>
  `${c.preset} ${c.format} ${JSON.stringify(
    Object.fromEntries(
      Object.entries(c.flags).filter(
        ([k, v]) => v !== undefined && !(k in BASE && BASE[k as keyof InitFlags] === v),
      ),
    ),
  )}`;

const pclusterErrors = (c: Combo, text: string): PclusterFailure[] =>
  c.format === 'v3'
    ? pclusterV3ErrorsFor(minorOf(c.flags.pclusterVersion), text)
    : pclusterV2Errors(text);

/** The file init would write if it checked nothing; undefined when the flags cannot even be read. */
function unchecked(c: Combo): string | undefined {
  try {
    const spec = buildSpec(loadPreset(c.preset), c.flags);
    return c.format === 'v3' ? stringify(buildV3(spec)) : stringifyV2(buildV2(spec));
  } catch {
    return undefined;
  }
}

/** What went wrong with one combination, or undefined when init did the right thing. */
function judge(c: Combo): string | undefined {
  let text: string;
  try {
    text = planInit(c.preset, c.format, c.flags).text;
  } catch (e) {
    if (!(e instanceof UsageError)) return `init threw ${String(e)}`;
    const lines = e.message.split('\n').filter((l) => /^\s*error:/.test(l));
    const named = lines.length
      ? lines.every((l) => INIT_FLAGS.test(l))
      : INIT_FLAGS.test(e.message);
    if (!named) return `refused without naming a flag: ${e.message}`;
    // No stricter than ParallelCluster: what init refuses, ParallelCluster refuses too.
    const would = unchecked(c);
    if (
      would !== undefined &&
      !OWN_REFUSALS.some((re) => re.test(e.message)) &&
      pclusterErrors(c, would).length === 0
    )
      return `refused, though ParallelCluster accepts it: ${e.message}`;
    return undefined;
  }
  const pcluster = pclusterErrors(c, text);
  if (pcluster.length)
    return `written, but ParallelCluster rejects it: ${pcluster.map((f) => `${f.validator}: ${f.message}`).join('; ')}`;
  const own = checkConfigText(text).errors;
  if (own.length)
    return `written, but config check fails it: ${own.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
  return undefined;
}

const written = (c: Combo): boolean => {
  try {
    planInit(c.preset, c.format, c.flags);
    return true;
  } catch {
    return false;
  }
};

describe('config init across presets, formats, releases and flags', () => {
  for (const format of ['v3', 'v2'] as const)
    for (const preset of listPresets()) {
      const release = format === 'v3' ? 'each ParallelCluster release 3.11 to 3.16' : '2.8.0';
      it(`refuses for ${preset} (${format}), naming the flag, exactly what ${release} would reject, and writes the rest`, () => {
        const bad = combos(preset, format)
          .map((c) => [describeCombo(c), judge(c)] as const)
          .filter(([, why]) => why !== undefined)
          .map(([what, why]) => `${what}\n    ${why}`);
        expect(bad, `${bad.length} bad configs:\n${bad.slice(0, 40).join('\n')}`).toEqual([]);
      });
    }

  it('writes every preset in its own format, and the v3 presets with two compute subnets', () => {
    for (const preset of listPresets()) {
      const format = preset === 'index' ? 'v2' : 'v3';
      const flags = { ...BASE, customAmi: AMI, ...(format === 'v2' ? { os: 'alinux2' } : {}) };
      expect(written({ preset, format, flags }), preset).toBe(true);
      const twoSubnets = { ...flags, computeSubnet: [SUBNET_A, SUBNET_B] };
      expect(written({ preset, format: 'v3', flags: twoSubnets }), preset).toBe(true);
    }
    expect(written({ preset: 'blender-g4dn', format: 'v3', flags: BASE })).toBe(true);
    const all = combos('blender-g4dn', 'v3');
    expect(all.filter(written).length).toBeGreaterThan(250);
  });
});
