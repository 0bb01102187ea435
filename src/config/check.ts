import { detectFormat, type ConfigFormat } from './generate.js';
import { renamePaths, toCheckResult, type CheckResult } from './problems.js';
import { checkSpec } from './rules.js';
import { readNodeRuntime, RUNTIME_ARG_PATH } from './node-runtime-arg.js';
import { checkNodeOs } from './node-os.js';
import type { ClusterSpec } from './spec.js';
import { readV2, v2KeyPath } from './v2/read.js';
import { readV3, v3KeyPath } from './v3/read.js';

/** The offline check of a config file: schema, known keys, cross-field rules. */
export interface FileCheck extends CheckResult {
  format: ConfigFormat;
  /** The spec read from the file, when it could be read (the `--aws` checks need it). */
  spec?: ClusterSpec;
  /** Renames a spec path to this file's key path. */
  keyPath: (specPath: string) => string;
}

/** What the file is called and whether EC2 will be asked too. */
export interface CheckTextOptions {
  /** The file's name, for the `--aws` hint; FILE when left out. */
  file?: string;
  /** `--aws` is on: EC2, not cluster-tool's table, judges the instance types. */
  withEc2?: boolean;
  /** The ParallelCluster 3 release to judge a v3 file for, over the one its tag names. */
  pclusterVersion?: string;
}

/**
 * Checks a ParallelCluster config text offline. Problems name the file's own key paths. An
 * instance type cluster-tool does not know is only a warning here: EC2 decides with `--aws`.
 */
export function checkConfigText(
  text: string,
  format: ConfigFormat = detectFormat(text),
  opts: CheckTextOptions = {},
): FileCheck {
  const read =
    format === 'v3' ? readV3(text, { pclusterVersion: opts.pclusterVersion }) : readV2(text);
  const keyPath = format === 'v3' ? v3KeyPath : v2KeyPath;
  const rules = read.spec
    ? renamePaths(
        checkSpec(read.spec, format, {
          awsCheckCommand: `cluster-tool config check ${opts.file ?? 'FILE'} --aws`,
          typesFromEc2: opts.withEc2,
        }),
        keyPath,
      )
    : [];
  const runtime = readNodeRuntime(text, format);
  const os = read.spec
    ? checkNodeOs(
        read.spec.os,
        runtime.runtime,
        { os: keyPath('os'), runtime: RUNTIME_ARG_PATH[format] },
        format,
        read.spec.pclusterVersion,
      )
    : [];
  return {
    format,
    spec: read.spec,
    keyPath,
    ...toCheckResult([...read.problems, ...rules, ...runtime.problems, ...os]),
  };
}
