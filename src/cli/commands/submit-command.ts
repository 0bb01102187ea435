import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { SubmitRequest } from '../../api/types.js';
import { shellJoin } from '../../shell/quote.js';
import { withCoordinatorOptions } from '../connection.js';
import { localInput } from '../inputs.js';
import { ranRemotely, withClusterOption } from '../remote.js';
import { followSubmit } from '../remote-follow.js';
import { submitOrPreview, withJobOptions } from './submit-job.js';

/** Parses `--command` as a JSON array of strings (an argv, never a shell string). */
function commandTemplate(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError(
      `--command must be a JSON list of strings, e.g. '["convert", "{input}", "{output}"]' (got ${text})`,
    );
  }
  if (!Array.isArray(v) || v.length === 0 || !v.every((w) => typeof w === 'string'))
    throw new UsageError(
      '--command must be a non-empty JSON list of strings: a program and its arguments',
    );
  return v;
}

/** `cluster-tool submit command --tasks tasks.jsonl`: one arbitrary argv per task, one GPU each. */
export const commandSubmit: CommandModule = {
  command: 'command',
  describe: 'Run one command per line of a tasks.jsonl file, one GPU each (argv arrays, no shell)',
  builder: (y) =>
    withJobOptions(
      withCoordinatorOptions(withClusterOption(y)),
      'List the tasks and their argv; submit nothing',
    )
      .option('tasks', {
        type: 'string',
        demandOption: true,
        describe: 'tasks.jsonl: one JSON object per line, with argv or fields for --command',
      })
      .option('command', {
        type: 'string',
        describe: 'argv template as a JSON list, {field} replaced per line',
      })
      .option('cwd', {
        type: 'string',
        describe: 'Directory the commands run in',
        defaultDescription: "the job's output directory",
      }),
  handler: async (argv) => {
    if (await ranRemotely('submit command', argv, { stage: ['tasks'], follow: followSubmit }))
      return;
    const file = path.resolve(await localInput(argv.tasks as string, argv));
    if (!existsSync(file) || !statSync(file).isFile())
      throw new UsageError(`tasks file ${argv.tasks as string} does not exist`);
    const command = commandTemplate(argv.command as string | undefined);
    const req: SubmitRequest = {
      kind: 'command',
      tasks: readFileSync(file, 'utf8'),
      tasksPath: file,
      ...(command ? { command } : {}),
      ...(argv.cwd !== undefined ? { cwd: path.resolve(argv.cwd as string) } : {}),
      nodes: argv.nodes as number,
      gpusPerNode: argv['gpus-per-node'] as number | undefined,
      name: argv.name as string | undefined,
      timeLimitMinutes: argv['time-limit'] as number,
    };
    await submitOrPreview(argv, req, (plan) => {
      const tasks = plan.tasks.map((t) => ({
        id: t.payload.id,
        line: t.payload.line,
        argv: t.payload.argv as string[],
        cwd: t.payload.cwd,
      }));
      return {
        json: { job: plan.job, summary: plan.summary, tasks, sbatch: plan.sbatch },
        lines: [
          `Would submit job ${plan.job.id}: ${plan.summary}`,
          ...tasks.map((t) => `  ${String(t.id)}: ${shellJoin(t.argv)}`),
        ],
      };
    });
  },
};
