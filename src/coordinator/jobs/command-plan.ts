import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { parseCommandTasks } from '../../renderers/command/index.js';
import type { OtherSubmitRequest, SubmitRequest } from '../api-types.js';
import { absolutePath, checkCommonFields, inlineOrFile, mainStageTasks } from './common-fields.js';
import type { JobDirs, JobPlan, PlanLimits } from './plan.js';

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

/**
 * Validates a command submission: one `main` stage, one `command` task per line of tasks.jsonl,
 * each carrying its substituted argv (never a shell string). Writes nothing.
 */
export function planCommandJob(request: SubmitRequest, limits: PlanLimits, dirs: JobDirs): JobPlan {
  const req = request as OtherSubmitRequest;
  const common = checkCommonFields(req, limits);
  const { text, source } = inlineOrFile(req, 'tasks', 'tasksPath', (f) => readFileSync(f, 'utf8'));
  const command = req.command;
  if (
    command !== undefined &&
    !(Array.isArray(command) && command.every((w) => typeof w === 'string'))
  )
    throw new UsageError('command: must be a list of strings (a program and its arguments)');
  const cwd = req.cwd !== undefined ? absolutePath('cwd', req.cwd, 'dir') : dirs.outputDir;
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
}
