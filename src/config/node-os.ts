import { checkOsEndOfLife } from './os-eol.js';
import { installedToolGlibc } from '../bundle/tool-tree.js';
import {
  checkOsSupport,
  checkToolGlibc,
  DEFAULT_NODE_RUNTIME,
  type NodeRuntime,
} from './os-support.js';
import type { Problem } from './problems.js';
import { V2_OSES } from './v2/rules.js';
import { releaseOses } from './v3/release-rules.js';
import { releaseOf } from './v3/releases.js';

// generate.ts imports this module, so the format is spelled out here, not imported from there.
type ConfigFormat = 'v3' | 'v2';

/**
 * The OSes the format's ParallelCluster version accepts (its own rules refuse the rest): for v3,
 * those of the release named (the current one when none is).
 */
export function formatOses(format: ConfigFormat, pclusterVersion?: string): readonly string[] {
  return format === 'v3' ? releaseOses(releaseOf(pclusterVersion)) : V2_OSES;
}

/**
 * Whether the nodes' OS runs the chosen Node.js build and the tool's native modules, and whether
 * it is past its end of life,
 * for `config init` and `config check` alike. An OS the format does not accept is left to the
 * format's own rule (one error, not two), and only OSes the format accepts are offered instead.
 */
export function checkNodeOs(
  os: string,
  runtime: NodeRuntime | undefined,
  paths: { os: string; runtime: string },
  format: ConfigFormat,
  pclusterVersion?: string,
): Problem[] {
  const oses = formatOses(format, pclusterVersion);
  if (!oses.includes(os)) return [];
  return [
    ...checkOsSupport(os, runtime ?? DEFAULT_NODE_RUNTIME, paths, oses),
    ...checkToolGlibc(os, installedToolGlibc(), paths.os, oses),
    ...checkOsEndOfLife(os, paths.os),
  ];
}
