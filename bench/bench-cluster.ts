import { mkdtempSync, rmSync } from 'node:fs';
import { CliError } from '../src/errors.js';
import { localDown, localUp, type LocalCluster } from '../src/local/cluster.js';
import { resolveOptions, type LocalClusterOptions } from '../src/local/options.js';
import type { SlurmClient } from '../src/slurm/client.js';

/** Ports of the bench cluster start here, away from the tests' (21000+) and the default (17000). */
export const BENCH_PORT_BASE = 24000;

/** The shape of the bench cluster. Defaults: 2 nodes × 1 GPU × 1 CPU, one slot per core. */
export interface BenchClusterOptions {
  /** Default: a fresh `/tmp/ct-bench-XXXXXX`, removed by `down()` unless `keep`. */
  dir?: string;
  nodes?: number;
  gpusPerNode?: number;
  cpusPerNode?: number;
  /** Default `BENCH_PORT_BASE`; the next bases (+10, +20, …) are tried when its ports are taken. */
  portBase?: number;
  /** Keep the directory after `down()` (logs, slurm.conf) for a look. */
  keep?: boolean;
  log?: (line: string) => void;
}

/** A running bench cluster. Call `down()` when done, also after a failure. */
export interface BenchCluster {
  cluster: LocalCluster;
  client: SlurmClient;
  options: LocalClusterOptions;
  /** Slots: one per GPU of every node. */
  slots: number;
  /** Cancels every job, stops the daemons and removes the directory (unless `keep`). */
  down(): Promise<void>;
}

const PORT_TRIES = 5;

/** Starts a dedicated local Slurm cluster for benchmarks and returns it with its client. */
export async function startBenchCluster(opts: BenchClusterOptions = {}): Promise<BenchCluster> {
  if (process.getuid?.() !== 0) {
    throw new CliError(
      'the bench starts its own local Slurm cluster, which needs root (mknod for the GPU device ' +
        'files, munged, slurmd). Run `npm run bench` as root.',
    );
  }
  const dir = opts.dir ?? mkdtempSync('/tmp/ct-bench-');
  const base = opts.portBase ?? BENCH_PORT_BASE;
  let lastError: unknown;
  for (let i = 0; i < PORT_TRIES; i++) {
    const options = resolveOptions({
      dir,
      nodes: opts.nodes ?? 2,
      gpusPerNode: opts.gpusPerNode ?? 1,
      cpusPerNode: opts.cpusPerNode ?? 1,
      portBase: base + i * 10,
    });
    try {
      const { cluster } = await localUp(options, { timeoutMs: 90_000, log: opts.log });
      let downed = false;
      return {
        cluster,
        client: cluster.client(30_000),
        options,
        slots: options.nodes * Math.max(1, options.gpusPerNode),
        down: async () => {
          if (downed) return;
          downed = true;
          await localDown(dir, { log: opts.log });
          if (!opts.keep && opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      lastError = err;
      // Another bench (or engineer) holds these ports: try the next base; anything else is final.
      if (!(err instanceof CliError && /already in use/.test(err.message))) break;
    }
  }
  await localDown(dir).catch(() => undefined);
  if (opts.dir === undefined && !opts.keep) rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

/**
 * Runs `fn` on a fresh bench cluster and takes the cluster down afterwards, also when `fn`
 * throws or the process gets SIGINT/SIGTERM.
 */
export async function withBenchCluster<T>(
  opts: BenchClusterOptions,
  fn: (bench: BenchCluster) => Promise<T>,
): Promise<T> {
  const bench = await startBenchCluster(opts);
  const onSignal = (signal: NodeJS.Signals): void => {
    opts.log?.(`${signal}: taking the bench cluster down`);
    void bench.down().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(bench);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await bench.down();
  }
}
