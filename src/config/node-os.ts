import { checkOsSupport, DEFAULT_NODE_RUNTIME, type NodeRuntime } from './os-support.js';
import type { Problem } from './problems.js';
import { V2_OSES } from './v2/rules.js';
import { V3_OSES } from './v3/rules.js';

// generate.ts imports this module, so the format is spelled out here, not imported from there.
type ConfigFormat = 'v3' | 'v2';

/** The OSes the format's ParallelCluster version accepts (its own rules refuse the rest). */
export function formatOses(format: ConfigFormat): readonly string[] {
  return format === 'v3' ? V3_OSES : V2_OSES;
}

/**
 * Whether the nodes' OS runs the chosen Node.js build, for `config init` and `config check`
 * alike. An OS the format does not accept is left to the format's own rule (one error, not two),
 * and only OSes the format accepts are offered instead.
 */
export function checkNodeOs(
  os: string,
  runtime: NodeRuntime | undefined,
  paths: { os: string; runtime: string },
  format: ConfigFormat,
): Problem[] {
  const oses = formatOses(format);
  if (!oses.includes(os)) return [];
  return checkOsSupport(os, runtime ?? DEFAULT_NODE_RUNTIME, paths, oses);
}
