import type { BenchCluster } from './bench-cluster.js';

/** What every leg gets: the running cluster, the scene, and where to write. */
export interface BenchContext {
  bench: BenchCluster;
  scene: string;
  frames: number[];
  slots: number;
  /** A fresh directory per bench run; legs make their own subdirectories. */
  workDir: string;
  log: (line: string) => void;
}
