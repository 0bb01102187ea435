import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { startCoordinator } from '../../coordinator/service.js';
import { defaultStateDir } from '../../coordinator/state-dir.js';
import { checkedNotifyUrls } from './notify-options.js';

/** Parses `host:port` (or just a port). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:(.+):)?(\d+)$/.exec(value);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--listen must be host:port (got ${value})`);
  return { host: m[1] ?? '127.0.0.1', port };
}

const start: CommandModule = {
  command: 'start',
  describe:
    'Run the coordinator in the foreground (a systemd service on the head node; `local up` starts one locally)',
  builder: (y) =>
    y
      .option('listen', {
        type: 'string',
        default: '127.0.0.1:7070',
        describe: 'Address and port of the HTTP API',
      })
      .option('state-dir', {
        type: 'string',
        describe: 'Database, token and job directories',
        defaultDescription: defaultStateDir(),
      })
      .option('slurm-conf', {
        type: 'string',
        describe: "slurm.conf for Slurm's commands (default: the system's)",
      })
      .option('partition', {
        type: 'string',
        describe: 'Slurm partition for allocations (default: the default partition)',
      })
      .option('advertise-url', {
        type: 'string',
        describe: 'URL the agents use to reach this coordinator',
        defaultDescription: "http://LISTEN; for 0.0.0.0 this host's own address",
      })
      .option('lease-seconds', {
        type: 'number',
        default: 15,
        describe: 'A task goes back to the queue when its lease is not renewed for this long',
      })
      .option('agent-timeout-seconds', {
        type: 'number',
        default: 20,
        describe: 'An agent silent for this long is given up and its tasks go back to the queue',
      })
      .option('suspend-grace-seconds', {
        type: 'number',
        default: 60,
        describe:
          'A suspended job keeps its nodes this long (a quick resume finds them), then gives them back',
      })
      .option('notify', {
        type: 'string',
        array: true,
        describe:
          "A URL told of every job's end (a signed JSON POST; `cluster-tool notify-key` prints the key); repeatable",
      }),
  handler: async (argv) => {
    const { host, port } = parseListen(argv.listen as string);
    const notifyUrls = checkedNotifyUrls(argv.notify);
    const running = await startCoordinator({
      stateDir: (argv['state-dir'] as string | undefined) ?? defaultStateDir(),
      host,
      port,
      slurmConf: argv['slurm-conf'] as string | undefined,
      partition: argv.partition as string | undefined,
      advertiseUrl: argv['advertise-url'] as string | undefined,
      leaseMs: (argv['lease-seconds'] as number) * 1000,
      agentTimeoutMs: (argv['agent-timeout-seconds'] as number) * 1000,
      suspendGraceMs: (argv['suspend-grace-seconds'] as number) * 1000,
      notifyUrls,
      log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
    });
    await new Promise<void>((resolve) => {
      for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve());
    });
    await running.close();
  },
};

export const coordinatorCommand: CommandModule = {
  command: 'coordinator <command>',
  describe: 'The head-node service that holds jobs and hands tasks to agents',
  builder: (y) => y.command(start).demandCommand(1),
  handler: () => {},
};
