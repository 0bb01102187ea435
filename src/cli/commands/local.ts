import type { Argv, CommandModule } from 'yargs';
import { CliError } from '../../errors.js';
import { localDown, localUp, LocalCluster } from '../../local/cluster.js';
import {
  coordinatorStateDir,
  startLocalCoordinator,
  stopLocalCoordinator,
} from '../../local/coordinator-process.js';
import { runGpuCheck } from '../../local/gpu-check.js';
import { INSTALL_COMMAND, localInstall } from '../../local/install.js';
import { defaultClusterDir, DEFAULTS, resolveOptions } from '../../local/options.js';
import { formatNodeTable } from '../format/nodes.js';

const say = (s: string) => process.stdout.write(`${s}\n`);
const progress = (s: string) => process.stderr.write(`· ${s}\n`);

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
  describe: 'Start a real Slurm cluster on this machine (munge, slurmctld, one slurmd per node)',
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
    say(
      result.alreadyRunning
        ? `The local cluster in ${o.dir} is already running; nothing changed.`
        : `Local Slurm cluster up: ${o.nodes} node(s) × ${o.gpusPerNode} GPU(s) in ${o.dir}`,
    );
    say(formatNodeTable(result.nodes));
    if (coordinator) {
      say(`Coordinator: ${coordinator.url} (state in ${coordinatorStateDir(result.cluster)})`);
    }
    say(
      `\nPoint Slurm's own commands at it with:\n  export SLURM_CONF=${result.cluster.layout.slurmConf}\n  sinfo; squeue`,
    );
  },
};

const down: CommandModule = {
  command: 'down',
  describe: 'Cancel every job, stop the daemons, and leave no Slurm process behind',
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
    // The coordinator goes first, or it would submit new allocations for jobs that still have work.
    if (await stopLocalCoordinator(cluster)) progress('stopped the coordinator');
    const r = await localDown(dir, { log: progress });
    if (r.killedLeftovers.length)
      progress(`killed ${r.killedLeftovers.length} leftover process(es)`);
    if (argv.purge) {
      const { rmSync } = await import('node:fs');
      rmSync(dir, { recursive: true, force: true });
    }
    say(`Local cluster in ${dir} is down (${r.cancelledJobs.length} job(s) cancelled).`);
  },
};

const status: CommandModule = {
  command: 'status',
  describe: 'Show the nodes of the local cluster, their state and GPUs',
  builder: (y) => dirOption(y).option('json', { type: 'boolean', default: false }),
  handler: async (argv) => {
    const dir = resolveOptions({ dir: argv.dir as string }).dir;
    const cluster = new LocalCluster(dir);
    const record = cluster.record();
    if (!record)
      throw new CliError(
        `no local cluster in ${dir}: start one with \`cluster-tool local up --dir ${dir}\``,
      );
    const daemons = cluster.daemons();
    const running = cluster.isRunning();
    const nodes = daemons.slurmctld ? await cluster.client(10_000).nodes() : [];
    const jobs = daemons.slurmctld ? await cluster.client(10_000).squeue() : [];
    if (argv.json) {
      say(JSON.stringify({ dir, running, shape: record, daemons, nodes, jobs }, null, 2));
      return;
    }
    say(
      `Local cluster in ${dir}: ${running ? 'running' : 'NOT running (start it with `cluster-tool local up`)'}`,
    );
    if (nodes.length) say(formatNodeTable(nodes, jobs));
    say(`SLURM_CONF=${cluster.layout.slurmConf}`);
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
        `the local cluster in ${dir} is not running: start it with \`cluster-tool local up\``,
      );
    const lines = await runGpuCheck(cluster, progress);
    say(lines.join('\n'));
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
