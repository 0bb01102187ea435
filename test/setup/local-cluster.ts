import 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { localDown, localUp } from '../../src/local/cluster.js';
import { resolveOptions } from '../../src/local/options.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** slurm.conf of the test run's local cluster (4 nodes × 4 GPUs). */
    slurmConf: string;
    /** Directory of that cluster. */
    clusterDir: string;
    /** First port of the cluster (slurmctld); other tests pick ports away from this range. */
    clusterPortBase: number;
  }
}

/** Starts one real local Slurm cluster for the integration run and stops it afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync('/tmp/ct-it-');
  const portBase = 21000 + (process.pid % 400) * 10;
  const options = resolveOptions({ dir, nodes: 4, gpusPerNode: 4, portBase });
  const { cluster } = await localUp(options, { timeoutMs: 90_000 });
  project.provide('slurmConf', cluster.layout.slurmConf);
  project.provide('clusterDir', dir);
  project.provide('clusterPortBase', portBase);
  return async () => {
    await localDown(dir);
    if (!process.env.KEEP_TEST_CLUSTER) rmSync(dir, { recursive: true, force: true });
  };
}
