import { stringify } from 'yaml';
import { UsageError } from '../errors.js';
import { shellQuote } from '../shell/quote.js';
import { flagForSpecPath, buildSpec, type InitFlags } from './flags.js';
import { loadPreset } from './presets.js';
import { formatProblems, toCheckResult, type CheckResult } from './problems.js';
import { checkSpec } from './rules.js';
import { LEGACY_INDEX_AMI, LEGACY_V2_FORMAT } from './legacy.js';
import { checkNodeOs } from './node-os.js';
import type { ClusterSpec } from './spec.js';
import { buildV2 } from './v2/build.js';
import { readV2, stringifyV2 } from './v2/read.js';
import { buildV3 } from './v3/build.js';
import { isOpenRmUnsupported, OPENRM_SUPPRESS_FLAG } from './v3/nvidia.js';
import { readV3 } from './v3/read.js';

/** ParallelCluster 3 (YAML) or 2.x (INI). */
export type ConfigFormat = 'v3' | 'v2';

/** What `config init` will write: the plan behind `--dry-run` and `--json`. */
export interface InitPlan {
  format: ConfigFormat;
  preset: string;
  spec: ClusterSpec;
  /** The file's text. */
  text: string;
  warnings: string[];
  /** The commands to run next, in order. */
  next: string[];
}

/**
 * Builds the config for a preset and flags, checks it, renders it, and parses the text back
 * through the project's own reader as a self-check. Problems with the inputs are a UsageError
 * that names the flag to change; nothing is written here.
 */
export function planInit(
  presetName: string,
  format: ConfigFormat,
  flags: InitFlags,
  outFile = 'cluster.yaml',
): InitPlan {
  const preset = loadPreset(presetName);
  if (format === 'v2' && flags.pclusterVersion !== undefined)
    throw new UsageError(
      '--pcluster-version is for --format v3; the --format v2 file is for ParallelCluster 2.8.0 only',
    );
  const spec = buildSpec(preset, flags);
  if (format === 'v2') {
    delete spec.pclusterVersion;
    // Every OS of ParallelCluster 2.x but centos8 predates glibc 2.28: its nodes need the
    // glibc-2.17 Node.js build unless a flag or the preset says otherwise.
    spec.nodeRuntime ??= 'glibc-217';
  }
  // Printed as commands a user pastes, so the file name is one shell word.
  const file = shellQuote(outFile, '--out');
  const awsCheck = `cluster-tool config check ${file} --aws`;
  const result = toCheckResult(
    [
      ...checkSpec(spec, format, { awsCheckCommand: awsCheck }),
      ...checkNodeOs(
        spec.os,
        spec.nodeRuntime,
        { os: 'os', runtime: 'nodeRuntime' },
        format,
        spec.pclusterVersion,
      ),
    ].map((p) => ({ ...p, path: flagForSpecPath(p.path) })),
  );
  if (result.errors.length)
    throw new UsageError(
      `the config was not written:\n  ${formatProblems({ errors: result.errors, warnings: [] }).join('\n  ')}`,
    );
  const warnings = formatProblems({ errors: [], warnings: result.warnings });
  if (format === 'v2') warnings.push(`warning: --format: ${LEGACY_V2_FORMAT}`);
  if (preset.requiresCustomAmi) warnings.push(`warning: --preset: ${LEGACY_INDEX_AMI}`);
  if (preset.recommendedFormat !== format) {
    warnings.push(
      `warning: --format: preset "${preset.name}" is meant for ${preset.recommendedFormat}` +
        (preset.recommendedFormat === 'v2'
          ? ' (its Marketplace AMI is tied to ParallelCluster 2.8.0); use --format v2 unless your AMI is built for 3.x'
          : ''),
    );
  }
  // No YAML anchors: a reader editing one S3Access entry should not change another.
  const text =
    header(preset.name, format, awsCheck, spec.pclusterVersion) +
    (format === 'v3'
      ? stringify(buildV3(spec), { aliasDuplicateObjects: false })
      : stringifyV2(buildV2(spec)));
  const back = format === 'v3' ? readV3(text) : readV2(text);
  const backErrors = back.problems.filter((p) => p.level === 'error');
  if (backErrors.length)
    throw new Error(
      `generated config does not pass its own check: ${backErrors.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  const stage =
    `cluster-tool stage --bucket ${spec.bucket} --blender-tarball blender-linux-x64.tar.xz` +
    (spec.nodeRuntime === 'glibc-217' ? ' --node-tarball node-v20-linux-x64-glibc-217.tar.xz' : '');
  // build-image describes every AMI it makes as a ParallelCluster AMI, so the validator refuses
  // V100s on one that does drive them (the AMI `config image` writes for them).
  const suppress =
    format === 'v3' &&
    spec.customAmi !== undefined &&
    !spec.requiresCustomAmi &&
    spec.queues.some((q) => q.computeResources.some((cr) => isOpenRmUnsupported(cr.instanceType)));
  if (suppress)
    warnings.push(
      `warning: --custom-ami: pcluster create-cluster refuses V100s on any AMI that build-image made (InstanceTypeBaseAMICompatibleValidator cannot tell its kernel module), so the command below passes ${OPENRM_SUPPRESS_FLAG}; give it only for an AMI from \`cluster-tool config image\``,
    );
  const create =
    format === 'v3'
      ? `pcluster create-cluster --cluster-name my-cluster --cluster-configuration ${file} --region ${spec.region}${suppress ? ` ${OPENRM_SUPPRESS_FLAG}` : ''}`
      : `pcluster create my-cluster --config ${file}`;
  return { format, preset: preset.name, spec, text, warnings, next: [awsCheck, stage, create] };
}

function header(
  preset: string,
  format: ConfigFormat,
  awsCheck: string,
  pclusterVersion: string | undefined,
): string {
  const c = format === 'v3' ? '#' : ';';
  const release = pclusterVersion ? ` --pcluster-version ${pclusterVersion}` : '';
  return `${c} Generated by cluster-tool (config init --preset ${preset} --format ${format}${release}).\n${c} Check it against your account with: ${awsCheck}\n`;
}

/** Which reader fits a file: INI when its first meaningful line is a `[section]`. */
export function detectFormat(text: string): ConfigFormat {
  const first = text.split('\n').find((l) => l.trim() && !/^\s*[#;]/.test(l));
  return first?.trim().startsWith('[') ? 'v2' : 'v3';
}

export type { CheckResult };
