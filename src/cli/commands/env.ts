import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import type { QueueEnvironmentView } from '../../api/environment-requests.js';
import { UsageError } from '../../errors.js';
import { readDocument } from '../../openjd/load.js';
import { CoordinatorConnection, withCoordinatorOptions } from '../connection.js';

const say = (s: string) => process.stdout.write(`${s}\n`);

function line(e: QueueEnvironmentView): string {
  const what = [
    e.onEnter ? 'onEnter' : '',
    e.onExit ? 'onExit' : '',
    e.variables.length ? `variables ${e.variables.join(', ')}` : '',
    e.parameters.length ? `parameters ${e.parameters.join(', ')}` : '',
  ].filter(Boolean);
  return `${e.name}  (${e.source})${what.length ? `: ${what.join('; ')}` : ''}`;
}

const add: CommandModule = {
  command: 'add <template>',
  describe:
    'Keep an environment template (environment-2023-09) as a queue environment: every OpenJD job runs in it, before its own --env ones',
  builder: (y) =>
    withCoordinatorOptions(y).positional('template', {
      type: 'string',
      demandOption: true,
      describe: 'env.yaml / env.json',
    }),
  handler: async (argv) => {
    const file = argv.template as string;
    if (!existsSync(file))
      throw new UsageError(`${file} does not exist: give an environment template`);
    const read = readDocument(path.resolve(file));
    if ('problem' in read) throw new UsageError(`${file}: ${read.problem.message}`);
    const e = await CoordinatorConnection.fromArgs(argv).request<QueueEnvironmentView>(
      'POST',
      '/api/environments',
      { source: file, doc: read.doc, dir: path.dirname(path.resolve(file)) },
    );
    say(`added queue environment ${line(e)}`);
  },
};

const list: CommandModule = {
  command: 'list',
  describe: 'The queue environments, outermost (first added) first',
  builder: (y) => withCoordinatorOptions(y).option('json', { type: 'boolean', default: false }),
  handler: async (argv) => {
    const all = await CoordinatorConnection.fromArgs(argv).request<QueueEnvironmentView[]>(
      'GET',
      '/api/environments',
    );
    if (argv.json) say(JSON.stringify(all, null, 2));
    else if (!all.length) say('no queue environments (cluster-tool env add ENV.yaml adds one)');
    else for (const e of all) say(line(e));
  },
};

const remove: CommandModule = {
  command: 'remove <name>',
  describe: 'Stop running OpenJD jobs in a queue environment (jobs already submitted keep it)',
  builder: (y) =>
    withCoordinatorOptions(y).positional('name', {
      type: 'string',
      demandOption: true,
      describe: "The environment's name (cluster-tool env list)",
    }),
  handler: async (argv) => {
    const name = argv.name as string;
    await CoordinatorConnection.fromArgs(argv).request(
      'POST',
      `/api/environments/${encodeURIComponent(name)}/remove`,
    );
    say(`removed queue environment ${name}`);
  },
};

/**
 * `cluster-tool env add|list|remove`: the queue environments the coordinator keeps, OpenJD
 * environment templates every OpenJD job runs in (like Deadline Cloud's queue environments).
 */
export const envCommand: CommandModule = {
  command: 'env <command>',
  describe: 'Queue environments: OpenJD environment templates every OpenJD job runs in',
  builder: (y) =>
    y
      .command(add)
      .command(list)
      .command(remove)
      .demandCommand(1)
      .epilog(
        "They are entered before a job's own environments (and its `submit openjd --env` ones), first added outermost; their parameter definitions merge with the job's.",
      ),
  handler: () => {},
};
