import path from 'node:path';
import { z } from 'zod';
import { parseCommandTasks } from '../../renderers/command/tasks-file.js';
import {
  absolutePath,
  checkCommonFields,
  inlineOrFile,
  MAIN_STAGE,
  mainStageTasks,
} from './common-fields.js';
import type { JobType } from './job-type.js';
import { resultRow } from './result-rows.js';

/** What a `command` task carries: its argv (never a shell string) and where to run it. */
export const commandPayload = z.object({
  id: z.string(),
  line: z.number().int(),
  fields: z.record(z.string(), z.unknown()),
  argv: z.array(z.string()).min(1),
  cwd: z.string().min(1),
});

/**
 * A generic command job: one `main` stage, one `command` task per line of tasks.jsonl (argv
 * from the line, or from `command` with the line's fields), with a results table.
 */
export const commandJob: JobType<'command'> = {
  kind: 'command',
  mainStage: MAIN_STAGE,
  progressUnit: 'tasks',
  allocation: 'per-node',
  panels: ['tasks', 'results'],
  payloads: { command: commandPayload },

  plan(req, { limits, dirs, files }) {
    const common = checkCommonFields(req, limits);
    const { text, source } = inlineOrFile(
      { field: 'tasks', text: req.tasks },
      { field: 'tasksPath', path: req.tasksPath },
      files,
    );
    const cwd = req.cwd !== undefined ? absolutePath('cwd', req.cwd, 'dir', files) : dirs.outputDir;
    const parsed = parseCommandTasks(text, {
      source: path.basename(source),
      ...(req.command ? { command: req.command } : {}),
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
