import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CliError, UsageError } from '../src/errors.js';
import { ensureSampleScene } from '../src/renderers/blender/sample-scene.js';
import { withBenchCluster } from './bench-cluster.js';
import {
  measureFrameCosts,
  renderJobArray,
  renderStaticSplit,
  type FrameCost,
} from './render-ways.js';
import { renderWithCoordinator } from './ours.js';
import {
  formatSchedulingOverhead,
  reportRenderEfficiency,
  type OursResult,
  type RenderEfficiencyInput,
} from './report.js';
import type { BenchContext } from './context.js';
import { benchSchedulingOverhead } from './scheduling.js';

export type { BenchContext } from './context.js';
import { benchScalingLatency, formatScalingLatency } from './scaling-latency.js';
import { benchTiledStill, formatTiledStill } from './tiled-still.js';
import { benchPipeline, formatPipeline } from './pipeline.js';
import { benchFirstFrame, formatFirstFrame } from './first-frame.js';
import { benchChunking, formatChunking } from './chunking.js';
import { AGENT_SIZES, HISTORY_SIZES } from './scale/scale-bench.js';
import { runScaleSection } from './scale/scale-section.js';
import { benchLeaseOrder, formatLeaseOrder } from './lease-order.js';
import { benchAssetStaging, formatAssetStaging } from './asset-staging.js';
import { waitNodesIdle } from './slurm-jobs.js';
import { benchViewerGrid, formatViewerGrid } from './viewer-grid.js';
import { benchFarm, formatFarm } from './farm.js';
import {
  BENCH_WORLDS,
  renderLegInTrixie,
  trixieUnavailable,
  type BenchWorld,
} from './trixie-leg.js';
import { packagePath } from '../src/paths.js';

/** Shape of the sample animation the bench renders. */
export interface BenchSettings {
  /**
   * Frames of the sample scene; default 24 (two cheap blocks of 8, then an expensive one). On 2
   * slots a static split of 24 frames puts the whole expensive block on one slot; of 48 frames it
   * happens to be balanced (one expensive block per half), which would flatter the static split.
   */
  frames: number;
  cheapSamples: number;
  expensiveSamples: number;
  width: number;
  height: number;
  /** Keep the cluster and work directories afterwards. */
  keep: boolean;
  /** Run only these sections (default all): quicker when working on one of them. */
  only: BenchSection[];
  /** The pipeline section's sparse DNN: layers (default 120) and inputs (default 200). */
  dnnLayers: number;
  dnnInputs: number;
  /** Where the scale section writes its report and plot (default ./bench-out). */
  outDir: string;
  /** The scale section's agent counts, tasks of history, and idle-lease samples per size. */
  scaleAgents: number[];
  scaleHistory: number[];
  scaleSamples: number;
  /** Where the render leg runs: the host's Debian 12, the Debian 13 world, or both (default). */
  world: BenchWorld;
  /** The asset-staging leg's tree: megabytes (default 2000) in how many files (default 2000). */
  assetsMb: number;
  assetsFiles: number;
  /** The farm section's task unit, seconds (default 1): every task sleeps a whole number of them. */
  farmUnitSeconds: number;
}

export const BENCH_SECTIONS = [
  'render',
  'scheduling',
  'scaling',
  'still',
  'pipeline',
  'scale',
  'first-frame',
  'lease-order',
  'assets',
  'viewer',
  'farm',
  'chunking',
] as const;
/** Sections that need no Slurm cluster (simulated agents, simulated time). */
const WITHOUT_CLUSTER: readonly BenchSection[] = ['scale', 'lease-order', 'assets'];
export type BenchSection = (typeof BENCH_SECTIONS)[number];

/** Legs plugged into the render-efficiency bench from outside. */
export interface RenderEfficiencyLegs {
  /** Renders `ctx.frames` of `ctx.scene` into `outDir` with our coordinator on `ctx.slots` slots. */
  ours?: (ctx: BenchContext, outDir: string) => Promise<OursResult>;
}

const USAGE = `usage: npm run bench -- [--frames 24] [--cheap-samples 4] [--expensive-samples 64]
                          [--width 320 --height 180] [--keep]
                          [--dnn-layers 120] [--dnn-inputs 200]
                          [--only render|scheduling|scaling|still|pipeline|scale|first-frame|
                                  lease-order|assets|viewer|farm|chunking (repeatable)]
                          [--assets-mb 2000 --assets-files 2000] [--farm-unit 1 (seconds)]
                          [--out bench-out] [--scale-agents 16,256,1024,4096]
                          [--scale-history 5000,50000,500000] [--scale-samples 500]
                          [--world host|trixie|both (the render leg's: default both)]`;

/** Reads the bench's flags; throws UsageError naming the flag. */
export function parseBenchArgs(argv: readonly string[]): BenchSettings {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      frames: { type: 'string', default: '24' },
      'cheap-samples': { type: 'string', default: '4' },
      'expensive-samples': { type: 'string', default: '64' },
      width: { type: 'string', default: '320' },
      height: { type: 'string', default: '180' },
      keep: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true, default: [] },
      'dnn-layers': { type: 'string', default: '120' },
      'dnn-inputs': { type: 'string', default: '200' },
      out: { type: 'string', default: 'bench-out' },
      'scale-agents': { type: 'string', default: AGENT_SIZES.join(',') },
      'scale-history': { type: 'string', default: HISTORY_SIZES.join(',') },
      'scale-samples': { type: 'string', default: '500' },
      world: { type: 'string', default: 'both' },
      'assets-mb': { type: 'string', default: '2000' },
      'assets-files': { type: 'string', default: '2000' },
      'farm-unit': { type: 'string', default: '1' },
    },
    strict: true,
  });
  const list = (name: 'scale-agents' | 'scale-history', max: number): number[] =>
    values[name].split(',').map((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > max)
        throw new UsageError(
          `--${name}: whole numbers from 1 to ${max}, comma-separated\n${USAGE}`,
        );
      return n;
    });
  const int = (name: keyof typeof values, max: number): number => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new UsageError(`--${name} must be a whole number from 1 to ${max}\n${USAGE}`);
    }
    return n;
  };
  const only = values.only.map((o) => {
    if (!(BENCH_SECTIONS as readonly string[]).includes(o))
      throw new UsageError(`--only ${o}: choose from ${BENCH_SECTIONS.join(', ')}\n${USAGE}`);
    return o as BenchSection;
  });
  const farmUnitSeconds = Number(values['farm-unit']);
  // Below a second the farm measures Slurm's and the agents' start more than the scheduling.
  if (!Number.isFinite(farmUnitSeconds) || farmUnitSeconds < 0.5 || farmUnitSeconds > 60)
    throw new UsageError(`--farm-unit must be a number of seconds from 0.5 to 60\n${USAGE}`);
  const world = values.world as BenchWorld;
  if (!BENCH_WORLDS.includes(world))
    throw new UsageError(
      `--world ${values.world}: choose from ${BENCH_WORLDS.join(', ')}\n${USAGE}`,
    );
  return {
    world,
    only: only.length ? only : [...BENCH_SECTIONS],
    frames: int('frames', 1000),
    cheapSamples: int('cheap-samples', 4096),
    expensiveSamples: int('expensive-samples', 4096),
    width: int('width', 3840),
    height: int('height', 2160),
    keep: values.keep,
    dnnLayers: int('dnn-layers', 1000),
    dnnInputs: int('dnn-inputs', 60000),
    outDir: values.out,
    scaleAgents: list('scale-agents', 16_384),
    scaleHistory: list('scale-history', 5_000_000),
    scaleSamples: int('scale-samples', 10_000),
    assetsMb: int('assets-mb', 100_000),
    assetsFiles: int('assets-files', 1_000_000),
    farmUnitSeconds,
  };
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}

function done(started: number): number {
  console.log(`\nload average at the end: ${loadAverage()}`);
  console.log(`\nbench finished in ${Math.round((Date.now() - started) / 1000)} s`);
  return 0;
}

function timestamped(line: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/** Builds the sample scene in `workDir` (about a second) and returns its path. */
export async function prepareScene(workDir: string, s: BenchSettings): Promise<string> {
  return ensureSampleScene(path.join(workDir, 'scene', 'sample.blend'), {
    frames: s.frames,
    width: s.width,
    height: s.height,
    cheapSamples: s.cheapSamples,
    expensiveSamples: s.expensiveSamples,
  });
}

/**
 * The render-efficiency bench: the per-frame cost profile, then the same frames rendered as a
 * static split, as a job array, and by each leg in `legs`, one after another on the same slots.
 */
export async function benchRenderEfficiency(
  ctx: BenchContext,
  legs: RenderEfficiencyLegs = {},
): Promise<RenderEfficiencyInput> {
  const { log } = ctx;
  const outDir = (name: string): string => path.join(ctx.workDir, 'out', name);
  log(`cost profile: rendering ${ctx.frames.length} frames once in one persistent Blender`);
  const profile: FrameCost[] = await measureFrameCosts({
    scene: ctx.scene,
    frames: ctx.frames,
    outDir: outDir('profile'),
  });
  const way = {
    cluster: ctx.bench.cluster,
    scene: ctx.scene,
    frames: ctx.frames,
    slots: ctx.slots,
  };
  const idle = (leg: string) => waitNodesIdle(ctx.bench.client, leg);
  await idle('static split');
  log(`static split: ${ctx.slots} Slurm jobs, one contiguous range each`);
  const staticSplit = await renderStaticSplit({ ...way, outDir: outDir('static-split') });
  log(`static split: ${staticSplit.makespanSeconds.toFixed(1)} s`);
  await idle('job array');
  log(`job array: ${ctx.frames.length} array tasks, at most ${ctx.slots} at once`);
  const jobArray = await renderJobArray({ ...way, outDir: outDir('job-array') });
  log(`job array: ${jobArray.makespanSeconds.toFixed(1)} s`);
  let ours: OursResult | undefined;
  if (legs.ours) {
    await idle('ours');
    log('ours: the coordinator with one agent per slot');
    ours = await legs.ours(ctx, outDir('ours'));
    log(`ours: ${ours.makespanSeconds.toFixed(1)} s`);
  }
  return { profile, slots: ctx.slots, ours, staticSplit, jobArray };
}

/** Runs every bench section on a fresh bench cluster and prints the results. Returns the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  let settings: BenchSettings;
  try {
    settings = parseBenchArgs(argv);
  } catch (err) {
    // parseArgs throws a TypeError for an unknown flag; ours are UsageErrors with the usage.
    const msg = (err as Error).message;
    console.error(err instanceof UsageError ? msg : `${msg}\n${USAGE}`);
    return 2;
  }
  const workDir = mkdtempSync('/tmp/ct-bench-work-');
  const started = Date.now();
  try {
    timestamped(
      `load average at start: ${loadAverage()} on ${os.cpus().length} cores ` +
        '(other work on this machine skews every number below)',
    );
    const run = (section: BenchSection) => settings.only.includes(section);
    if (run('scale')) {
      const text = await runScaleSection({
        workDir,
        outDir: path.resolve(settings.outDir),
        agents: settings.scaleAgents,
        history: settings.scaleHistory,
        samples: settings.scaleSamples,
        log: timestamped,
      });
      console.log(`\n== Scale ==\n${text}`);
    }
    if (run('lease-order')) {
      timestamped('lease order: simulating shots of 7 shapes in frame order and costliest first');
      console.log(`\n== Lease order ==\n${formatLeaseOrder(benchLeaseOrder())}`);
    }
    if (run('assets')) {
      timestamped('assets: staging a shot by content against aws s3 sync, case by case');
      const r = await benchAssetStaging({
        workDir,
        files: settings.assetsFiles,
        bytes: settings.assetsMb * 1_000_000,
        log: timestamped,
      });
      console.log(`\n== Asset staging ==\n${formatAssetStaging(r)}`);
    }
    if (settings.only.every((s) => WITHOUT_CLUSTER.includes(s))) return done(started);
    timestamped(`starting a bench cluster (2 nodes × 1 GPU, 1 CPU each); work in ${workDir}`);
    await withBenchCluster({ keep: settings.keep, log: timestamped }, async (bench) => {
      const scene = await prepareScene(workDir, settings);
      const frames = Array.from({ length: settings.frames }, (_, i) => i + 1);
      const ctx: BenchContext = {
        bench,
        scene,
        frames,
        slots: bench.slots,
        workDir,
        log: timestamped,
      };
      timestamped(`cluster ${bench.cluster.dir} up; scene ${scene} (${frames.length} frames)`);

      const renderEfficiency =
        run('render') && settings.world !== 'trixie'
          ? await benchRenderEfficiency(ctx, { ours: renderWithCoordinator })
          : undefined;
      const scheduling = run('scheduling')
        ? await benchSchedulingOverhead({
            workDir,
            slurmConf: bench.cluster.layout.slurmConf,
            partition: 'gpu',
            log: timestamped,
          })
        : undefined;
      const scaling = run('scaling') ? await benchScalingLatency(ctx) : undefined;
      const still = run('still') ? await benchTiledStill(ctx) : undefined;
      const pipeline = run('pipeline')
        ? await benchPipeline(ctx, {
            neurons: 1024,
            layers: settings.dnnLayers,
            inputs: settings.dnnInputs,
            batches: ctx.slots,
            seed: 3,
          })
        : undefined;
      const firstFrame = run('first-frame') ? await benchFirstFrame(ctx) : undefined;
      const viewer = run('viewer')
        ? await benchViewerGrid({
            slurmConf: bench.cluster.layout.slurmConf,
            partition: 'gpu',
            log: timestamped,
          })
        : undefined;
      const farm = run('farm')
        ? await benchFarm(ctx, { unitSeconds: settings.farmUnitSeconds })
        : undefined;
      const chunking = run('chunking') ? await benchChunking(ctx) : undefined;

      if (renderEfficiency) {
        console.log('\n== Render efficiency ==');
        reportRenderEfficiency(renderEfficiency);
      }
      if (scheduling) {
        console.log('\n== Scheduling overhead ==');
        console.log(formatSchedulingOverhead(scheduling.runs, scheduling.note));
      }
      if (scaling) {
        console.log('\n== Scaling ==');
        console.log(formatScalingLatency(scaling));
      }
      if (still) {
        console.log('\n== Tiled still ==');
        console.log(formatTiledStill(still));
      }
      if (pipeline) {
        console.log('\n== Pipeline ==');
        console.log(formatPipeline(pipeline));
      }
      if (firstFrame) {
        console.log('\n== Submission to first frame ==');
        console.log(formatFirstFrame(firstFrame));
      }
      if (viewer) {
        console.log('\n== Viewer, a 10,000-frame job ==');
        console.log(formatViewerGrid(viewer));
      }
      if (farm) {
        console.log('\n== Farm ==');
        const text = formatFarm(farm);
        console.log(text);
        const out = path.resolve(settings.outDir);
        mkdirSync(out, { recursive: true });
        writeFileSync(path.join(out, 'farm.txt'), `${text}\n`);
        writeFileSync(path.join(out, 'farm.json'), JSON.stringify(farm, null, 1));
      }
      if (chunking) {
        console.log('\n== Task chunking ==');
        console.log(formatChunking(chunking));
      }
    });
    if (run('render') && settings.world !== 'host') {
      const project = packagePath();
      const why = trixieUnavailable(project);
      if (why) console.log(`\n(the render leg in the Debian 13 world did not run: ${why})`);
      else {
        timestamped('the render leg again in the Debian 13 world (Slurm 24.11, Blender 4.3)');
        console.log('\n== Render efficiency, Debian 13 world ==');
        const rc = await renderLegInTrixie(project, argv, path.resolve(settings.outDir));
        if (rc !== 0) throw new CliError(`the render leg in the Debian 13 world exited ${rc}`);
      }
    }
    return done(started);
  } catch (err) {
    const why = err instanceof CliError ? err.message : ((err as Error).stack ?? String(err));
    console.error(`bench failed: ${why}`);
    return 1;
  } finally {
    if (!settings.keep) rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
