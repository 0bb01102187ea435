import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.js';
import { reportError } from './report-error.js';

/** Builds the yargs parser with every command. */
function buildCli(argv: string[]) {
  let cli = yargs(argv)
    .scriptName('cluster-tool')
    .usage(
      '$0 <command> [options]\n\nGPU rendering on Slurm: ParallelCluster configs, a job coordinator, per-GPU agents, a browser viewer.',
    )
    .strict()
    .demandCommand(1, 'Name a command; `cluster-tool --help` lists them.')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err, y) => {
      if (err) throw err;
      process.stderr.write(`${y.help() ? '' : ''}${msg}\nRun with --help for usage.\n`);
      process.exit(2);
    });
  for (const command of commands) cli = cli.command(command);
  return cli.help().alias('h', 'help').version();
}

async function main(): Promise<void> {
  try {
    await buildCli(hideBin(process.argv)).parseAsync();
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

await main();
