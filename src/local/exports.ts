import path from 'node:path';
import { defaultStateDir } from '../coordinator/state-dir.js';
import { shellQuote } from '../shell/quote.js';
import { defaultClusterDir, homeClusterDir } from './options.js';

/**
 * The `export` lines another shell needs to use the cluster in `dir`: SLURM_CONF for Slurm's own
 * commands, always. For a directory other than ~/.cluster-tool/local (or when this shell points
 * elsewhere) also CLUSTER_TOOL_LOCAL_DIR, which the `local` verbs read, and, when
 * `coordinatorStateDir` is given, CLUSTER_TOOL_STATE_DIR, which `status`, `submit` and the other
 * coordinator verbs read.
 */
export function clusterExports(
  dir: string,
  slurmConf: string,
  coordinatorStateDir?: string,
): string[] {
  const line = (name: string, value: string) => `export ${name}=${shellQuote(value, name)}`;
  const lines = [line('SLURM_CONF', slurmConf)];
  const elsewhere = path.resolve(dir) !== homeClusterDir();
  if (elsewhere || defaultClusterDir() !== path.resolve(dir))
    lines.push(line('CLUSTER_TOOL_LOCAL_DIR', dir));
  if (coordinatorStateDir !== undefined && (elsewhere || defaultStateDir() !== coordinatorStateDir))
    lines.push(line('CLUSTER_TOOL_STATE_DIR', coordinatorStateDir));
  return lines;
}
