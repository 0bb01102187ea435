import type { Argv, CommandModule } from 'yargs';
import { CliError } from '../../errors.js';
import { localDown, localUp, LocalCluster } from '../../local/cluster.js';
import { coordinatorStateDir, startLocalCoordinator } from '../../local/coordinator-process.js';
import { clusterExports } from '../../local/exports.js';
import { judgeGpuCheck, runGpuCheck } from '../../local/gpu-check.js';
import { INSTALL_COMMAND, localInstall } from '../../local/install.js';
import { defaultClusterDir, DEFAULTS, resolveOptions } from '../../local/options.js';
import { clusterStatus } from '../../local/status.js';
import { shellQuote } from '../../shell/quote.js';
import { formatNodeTable } from '../format/nodes.js';

const say = (s: string) => process.stdout.write(`${s}\n`);
const progress = (s: string) => process.stderr.write(`· ${s}\n`);

/** ` --dir D` when D is not where the `local` verbs look by default, so a hint can be pasted. */
function dirFlag(dir: string): string {
  return dir === defaultClusterDir() ? '' : ` --dir ${shellQuote(dir, '--dir')}`;
}

function dirOption<T>(y: Argv<T>) {
  return y.option('dir', {
    type: 'string',
    describe: 'Directory that holds the cluster (config, state, logs)',
    default: defaultClusterDir(),
    defaultDescription: '~/.cluster-tool/local',
  });
}

const install: CommandModule = {
  command: 'install',
  describe:
    'Install Slurm, munge, Blender and ffmpeg (apt-get, as root; otherwise prints the command)',
  handler: async () => {
    const what = await localInstall(progress);
    say(
      what === 'present'
        ? 'Slurm, munge, Blender and ffmpeg are already installed.'
        : 'Installed Slurm, munge, Blender and ffmpeg.',
    );
  },
};

const up: CommandModule = {
  command: 'up',
  describe:
    'Start a real Slurm cluster on this machine (munge, slurmctld, one slurmd per node) and its coordinator',
  builder: (y) =>
    dirOption(y)
      .option('nodes', { type: 'number', default: DEFAULTS.nodes, describe: 'Number of nodes' })
      .option('gpus-per-node', {
        type: 'number',
        default: DEFAULTS.gpusPerNode,
        describe: 'GPUs per node (4 = p3.8xlarge)',
      })
      .option('cpus-per-node', {
        type: 'number',
        describe: 'CPUs each node claims',
        defaultDescription: 'max(4, GPUs)',
      })
      .option('port-base', {
        type: 'number',
        default: DEFAULTS.portBase,
        describe: 'slurmctld port; slurmd N uses port-base+N',
      })
      .option('timeout', {
        type: 'number',
        default: 60,
        describe: 'Seconds to wait for every node to be idle',
      })
      .option('coordinator', {
        type: 'boolean',
        default: true,
        describe: 'Also start the coordinator (on port-base + 100); --no-coordinator skips it',
      }),
  handler: async (argv) => {
    const o = resolveOptions({
      dir: argv.dir as string,
      nodes: argv.nodes,
      gpusPerNode: argv['gpus-per-node'],
      cpusPerNode: argv['cpus-per-node'],
      portBase: argv['port-base'],
    });
    const result = await localUp(o, { timeoutMs: (argv.timeout as number) * 1000, log: progress });
    const coordinator = argv.coordinator
      ? await startLocalCoordinator(result.cluster, o.portBase, progress)
      : undefined;
    const stateDir = coordinator ? coordinatorStateDir(result.cluster) : undefined;
    say(
      !result.alreadyRunning
        ? `Local Slurm cluster up: ${o.nodes} node(s) × ${o.gpusPerNode} GPU(s) in ${o.dir}`
        : coordinator && !coordinator.alreadyRunning
          ? `The local cluster in ${o.dir} was already running; started its coordinator.`
          : `The local cluster in ${o.dir} is already running; nothing changed.`,
    );
    say(formatNodeTable(result.nodes));
    if (coordinator) say(`Coordinator: ${coordinator.url} (state in ${stateDir})`);
    const exports = clusterExports(o.dir, result.cluster.layout.slurmConf, stateDir);
    say(
      `\nPoint a shell at it with:\n${exports.map((e) => `  ${e}`).join('\n')}\n` +
        `then: sinfo; squeue${coordinator ? '; cluster-tool status' : ''}`,
    );
  },
};

const down: CommandModule = {
  command: 'down',
  describe:
    'Stop the coordinator, cancel every job, stop the daemons: ends what the cluster started, nothing else',
  builder: (y) =>
    dirOption(y).option('purge', {
      type: 'boolean',
      default: false,
      describe: 'Also delete the directory',
    }),
  handler: async (argv) => {
    const dir = resolveOptions({ dir: argv.dir as string }).dir;
    const cluster = new LocalCluster(dir);
    if (!cluster.record()) {
      say(`No local cluster in ${dir}; nothing to stop.`);
      return;
    }
    const r = await localDown(dir, { log: progress });
    if (argv.purge) {
      const { rmSync } = await import('node:fs');
      rmSync(dir, { recursive: true, force: true });
    }
    say(`Local cluster in ${dir} is down (${r.cancelledJobs.length} job(s) cancelled).`);
  },
};

const status: CommandModule = {
  command: 'status',
  describe: 'Show whether the local cluster and its coordinator run, its nodes, GPUs and jobs',
  builder: (y) => dirOption(y).option('json', { type: 'boolean', default: false }),
  handler: async (argv) => {
    const dir = resolveOptions({ dir: argv.dir as string }).dir;
    const cluster = new LocalCluster(dir);
    const record = cluster.record();
    if (!record)
      throw new CliError(
        `no local cluster in ${dir}: start one with \`cluster-tool local up${dirFlag(dir)}\``,
      );
    const s = await clusterStatus(cluster, record);
    if (argv.json) {
      say(JSON.stringify(s, null, 2));
      return;
    }
    const shape = `${record.nodes} node(s) × ${record.gpusPerNode} GPU(s), ports ${record.portBase}-${record.portBase + record.nodes}`;
    say(
      s.running
        ? `Local cluster in ${dir}: running (${shape})`
        : `Local cluster in ${dir}: NOT running (${s.notRunning.join(', ')} not running). Start it with \`cluster-tool local up${dirFlag(dir)}\``,
    );
    if (s.nodes.length) say(formatNodeTable(s.nodes, s.jobs));
    say(
      s.coordinator
        ? `Coordinator: ${s.coordinator.url ?? '(no address yet)'} (state in ${s.coordinator.stateDir})`
        : `Coordinator: not running (\`cluster-tool local up${dirFlag(dir)}\` starts it)`,
    );
    say(`\nPoint a shell at it with:\n${s.exports.map((e) => `  ${e}`).join('\n')}`);
  },
};

const check: CommandModule = {
  command: 'check',
  describe: 'Run a small job across every node that shows each GPU Slurm hands out',
  builder: (y) => dirOption(y),
  handler: async (argv) => {
    const dir = resolveOptions({ dir: argv.dir as string }).dir;
    const cluster = new LocalCluster(dir);
    if (!cluster.isRunning())
      throw new CliError(
        `the local cluster in ${dir} is not running: start it with \`cluster-tool local up${dirFlag(dir)}\``,
      );
    const lines = await runGpuCheck(cluster, progress);
    say(lines.join('\n'));
    const { ok, verdict } = judgeGpuCheck(lines, cluster.record() ?? { nodes: 0, gpusPerNode: 0 });
    if (!ok) throw new CliError(`the GPU check failed: ${verdict}`);
    say(verdict);
  },
};

export const localCommand: CommandModule = {
  command: 'local <command>',
  describe: 'A real Slurm cluster on this machine, for development, demos and tests',
  builder: (y) =>
    y
      .command(install)
      .command(up)
      .command(down)
      .command(status)
      .command(check)
      .demandCommand(1)
      .epilog(`Without root, install the packages with:\n  sudo sh -c '${INSTALL_COMMAND}'`),
  handler: () => {},
};
