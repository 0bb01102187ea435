import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../errors.js';
import { parseCommandTasks } from '../../renderers/command/tasks-file.js';
import type { OtherSubmitRequest } from '../../api/types.js';
import {
  absolutePath,
  checkCommonFields,
  inlineOrFile,
  MAIN_STAGE,
  mainStageTasks,
} from './common-fields.js';
import type { JobType } from './job-type.js';
import { resultRow } from './result-rows.js';

/**
 * A generic command request (`kind: 'command'`): tasks.jsonl as `tasks` (its text) or
 * `tasksPath` (absolute), an optional `command` argv template for lines without `argv`, and
 * `cwd` (absolute; default the job's output directory) where each command runs.
 */
export interface CommandFields {
  tasks?: string;
  tasksPath?: string;
  command?: string[];
  cwd?: string;
}

/** What a `command` task carries: its argv (never a shell string) and where to run it. */
export const commandPayload = z.object({
  id: z.string(),
  line: z.number().int(),
  fields: z.record(z.string(), z.unknown()),
  argv: z.array(z.string()).min(1),
  cwd: z.string().min(1),
});

/** One `main` stage, one `command` task per line of tasks.jsonl, with a results table. */
export const commandJob: JobType = {
  kind: 'command',
  mainStage: MAIN_STAGE,
  progressUnit: 'tasks',
  panels: ['tasks', 'results'],
  payloads: { command: commandPayload },

  plan(request, { limits, dirs, files }) {
    const req = request as OtherSubmitRequest;
    const common = checkCommonFields(req, limits);
    const { text, source } = inlineOrFile(req, 'tasks', 'tasksPath', files);
    const command = req.command;
    if (
      command !== undefined &&
      !(Array.isArray(command) && command.every((w) => typeof w === 'string'))
    )
      throw new UsageError('command: must be a list of strings (a program and its arguments)');
    const cwd = req.cwd !== undefined ? absolutePath('cwd', req.cwd, 'dir', files) : dirs.outputDir;
    const parsed = parseCommandTasks(text, {
      source: path.basename(source),
      ...(command ? { command } : {}),
    });
    const main = mainStageTasks(
      'command',
      parsed.map((t) => ({ id: t.id, line: t.line, fields: t.fields, argv: t.argv, cwd })),
    );
    const { tasks: _text, ...kept } = req;
    void _text;
    return {
      kind: 'command',
      name: common.name ?? path.basename(source),
      request: { ...kept, kind: 'command', tasksPath: source, ...common, name: common.name },
      nodes: common.nodes,
      gpusPerNode: common.gpusPerNode,
      ...main,
      summary: `${main.tasks.length} command task(s) from ${path.basename(source)} on ${common.nodes} node(s)`,
    };
  },

  results: (tasks) =>
    tasks.map((t) => {
      const p = t.payload as { id?: unknown; fields?: Record<string, unknown> };
      return resultRow(t, typeof p.id === 'string' ? p.id : undefined, p.fields);
    }),
};
