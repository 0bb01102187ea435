import path from 'node:path';
import type { Arguments, CommandModule } from 'yargs';
import type { EnvironmentTemplateInput } from '../../openjd/job-plan.js';
import { CliError } from '../../errors.js';
import type { SubmitRequest } from '../../api/types.js';
import { readEnvironmentFiles } from '../../openjd/environment-files.js';
import { readPathMappingFile } from '../../openjd/path-mapping-file.js';
import {
  loadTemplate,
  parseParameterArgs,
  planTemplateJob,
  openjdArch,
  type Problem,
} from '../../openjd/index.js';
import { CoordinatorConnection, withCoordinatorOptions } from '../connection.js';
import { ranRemotely, withClusterOption } from '../remote.js';
import { followSubmit } from '../remote-follow.js';
import { autoSpec, withAutoOptions } from './auto-options.js';
import { submitOrPreview, withJobOptions, type JobPreview } from './submit-job.js';

const say = (s: string) => process.stderr.write(`${s}\n`);

/**
 * The coordinator's queue environments, to check the job against here as it will be planned
 * there; none when no coordinator answers (a `--dry-run` without one).
 */
async function queueEnvironments(argv: Arguments): Promise<EnvironmentTemplateInput[]> {
  try {
    return await CoordinatorConnection.fromArgs(argv).request<EnvironmentTemplateInput[]>(
      'GET',
      '/api/environments/templates',
    );
  } catch {
    return [];
  }
}

/** `-p deadline:maxRetriesPerTask=N` (Deadline Cloud's name) taken out of the `-p` values. */
function deadlineSettings(args: readonly string[]): {
  settings: { maxRetriesPerTask?: number; errors: Problem[] };
  rest: string[];
} {
  const settings: { maxRetriesPerTask?: number; errors: Problem[] } = { errors: [] };
  const rest: string[] = [];
  for (const a of args) {
    const m = /^deadline:maxRetriesPerTask=(.*)$/.exec(a);
    if (!m) {
      rest.push(a);
      continue;
    }
    const n = Number(m[1]);
    if (m[1] !== '' && Number.isInteger(n) && n >= 0 && n <= 100) settings.maxRetriesPerTask = n;
    else
      settings.errors.push({
        path: `-p ${a}`,
        message: 'must be a whole number from 0 to 100 (how often a failed task is tried again)',
      });
  }
  return { settings, rest };
}
const same = (a: Problem, b: Problem) => a.path === b.path && a.message === b.message;

/** The steps of a preview in order, each with its task count and first few tasks. */
function previewLines(plan: JobPreview): string[] {
  const steps = new Map<string, string[]>();
  for (const t of plan.tasks)
    steps.set(t.stage, [
      ...(steps.get(t.stage) ?? []),
      typeof t.payload.label === 'string' ? t.payload.label : t.stage,
    ]);
  const lines = [`Would submit job ${plan.job.id}: ${plan.summary}`];
  for (const [step, labels] of steps) {
    const more = labels.length > 3 ? `, … (${labels.length} tasks)` : '';
    lines.push(`  ${step}: ${labels.slice(0, 3).join(', ')}${more}`);
  }
  return [...lines, '', `sbatch ${plan.sbatch.args.join(' ')} <script>`];
}

/**
 * `cluster-tool submit openjd TEMPLATE_OR_BUNDLE [-p Name=Value ...]`: checks the template here
 * first (every problem with its path, exit code 2, nothing submitted), then submits it as one
 * coordinator job whose stages are its steps.
 */
export const openjdSubmit: CommandModule = {
  command: 'openjd <template>',
  describe:
    'Run an Open Job Description job template or Deadline Cloud job bundle: steps as stages, one task per GPU slot',
  builder: (y) =>
    withAutoOptions(
      withJobOptions(
        withCoordinatorOptions(withClusterOption(y)),
        'Check it and list the steps, tasks and sbatch options; submit nothing',
      )
        .positional('template', {
          type: 'string',
          demandOption: true,
          describe: 'template.yaml / template.json, or a job bundle directory',
        })
        .option('env', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe:
            'An environment template (environment-2023-09) to run the job in (repeatable, outermost first); the queue environments of `cluster-tool env` go around them',
        })
        .option('path-mapping-rules', {
          type: 'string',
          describe:
            'A JSON/YAML file of path-mapping rules ({"version": "pathmapping-1.0", "path_mapping_rules": [{"source_path_format": "WINDOWS", "source_path": "Z:\\proj", "destination_path": "/fsx/proj"}]}): PATH values written on the submitting host are mapped on the nodes',
        })
        .option('max-retries', {
          type: 'number',
          describe:
            "How often a failed task is tried again (0: one try; Deadline's maxRetriesPerTask, also -p deadline:maxRetriesPerTask=N)",
        })
        .option('parameter', {
          alias: 'p',
          type: 'string',
          array: true,
          default: [] as string[],
          describe: `A job parameter value, Name=Value (repeatable; a list parameter's value is JSON: 'Name=["a", "b"]'); overrides parameter_values`,
        }),
    ),
  handler: async (argv) => {
    if (
      await ranRemotely('submit openjd', argv, { positional: ['template'], follow: followSubmit })
    )
      return;
    const file = argv.template as string;
    const { environments, errors: envErrors } = readEnvironmentFiles(argv.env as string[]);
    // the queue's environment templates first: the job template may use the parameters they define
    const queue = envErrors.length ? [] : await queueEnvironments(argv);
    const loaded = loadTemplate(file, [...queue, ...environments]);
    const { settings, rest } = deadlineSettings(argv.parameter as string[]);
    const flags = parseParameterArgs(rest);
    const errors: Problem[] = [...loaded.errors, ...flags.errors, ...settings.errors];
    const t = loaded.template;
    errors.push(...envErrors);
    const mapping = readPathMappingFile(argv['path-mapping-rules'] as string | undefined);
    errors.push(...mapping.errors);
    const base = loaded.bundleDir ?? path.dirname(path.resolve(loaded.templatePath));
    const parameters = { ...loaded.parameterValues, ...flags.values };
    // -p values are the caller's: their relative paths are joined with where they were typed
    const cwd = process.cwd();
    const commandLineParameters = Object.keys(flags.values);
    const planned =
      t && !errors.length
        ? planTemplateJob(t, parameters, {
            relativePathsFrom: base,
            hostArch: openjdArch(process.arch),
            environments: [...queue, ...environments],
            givenPathsFrom: Object.fromEntries(commandLineParameters.map((n) => [n, cwd])),
          })
        : undefined;
    errors.push(...(planned?.errors ?? []));
    for (const p of errors) say(`error: ${p.path}: ${p.message}`);
    if (errors.length || !planned?.job)
      throw new CliError(`${file}: ${errors.length} error(s); nothing was submitted`, 2);
    // the coordinator reports the template's own warnings; these come from the bundle's files
    for (const w of loaded.warnings.filter((w) => !planned.job?.warnings.some((x) => same(w, x))))
      say(`warning: ${w.path}: ${w.message}`);
    const maxRetries =
      (argv['max-retries'] as number | undefined) ??
      settings.maxRetriesPerTask ??
      loaded.settings?.maxRetriesPerTask;
    const req: SubmitRequest = {
      kind: 'openjd',
      template: t,
      templatePath: loaded.templatePath,
      bundleDir: base,
      parameters,
      ...(environments.length ? { environments } : {}),
      ...(mapping.rules.length ? { pathMappingRules: mapping.rules } : {}),
      ...(commandLineParameters.length ? { commandLineParameters, workingDir: cwd } : {}),
      ...(maxRetries !== undefined ? { maxRetriesPerTask: maxRetries } : {}),
      nodes: argv.nodes as number,
      gpusPerNode: argv['gpus-per-node'] as number | undefined,
      name: argv.name as string | undefined,
      timeLimitMinutes: argv['time-limit'] as number,
      auto: argv.auto ? autoSpec(argv) : undefined,
    };
    await submitOrPreview(argv, req, (plan) => ({
      json: {
        job: plan.job,
        summary: plan.summary,
        warnings: plan.warnings ?? [],
        tasks: plan.tasks.map((x) => ({
          step: x.stage,
          label: x.payload.label,
          params: x.payload.params,
        })),
        sbatch: plan.sbatch,
      },
      lines: previewLines(plan),
    }));
  },
};
