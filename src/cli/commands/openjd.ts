import type { CommandModule } from 'yargs';
import { CliError } from '../../errors.js';
import { readEnvironmentFiles } from '../../openjd/environment-files.js';
import {
  NOT_BUILT,
  checkTemplate,
  loadTemplate,
  parseParameterArgs,
  type Problem,
  type StepSummary,
} from '../../openjd/index.js';

const say = (s: string) => process.stdout.write(`${s}\n`);

function taskText(s: StepSummary, unset: readonly string[]): string {
  if (unset.length > 0) return 'tasks counted once every parameter has a value';
  if (s.tasks !== null) return `${s.tasks} task${s.tasks === 1 ? '' : 's'}`;
  return `tasks from manifest (${s.manifestParameters.join(', ')})`;
}

function lines(level: 'error' | 'warning', problems: readonly Problem[]): string[] {
  return problems.map((p) => `${level}: ${p.path}: ${p.message}`);
}

const check: CommandModule = {
  command: 'check <template>',
  describe:
    'Validate an Open Job Description job template or job bundle and show its steps and task counts',
  builder: (y) =>
    y
      .positional('template', {
        type: 'string',
        demandOption: true,
        describe:
          'template.yaml / template.json, or a job bundle directory (template + parameter_values)',
      })
      .option('parameter', {
        alias: 'p',
        type: 'string',
        array: true,
        default: [] as string[],
        describe: `A job parameter value, Name=Value (repeatable; a list parameter's value is JSON: 'Name=["a", "b"]'); overrides parameter_values and defaults. A parameter left without a value is not an error: the template alone is validated, and task counts wait for it`,
      })
      .option('env', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe:
          "An environment template (environment-2023-09) the job would run in (repeatable, outermost first): validated, its parameters merged with the job's as `submit openjd --env` does",
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
  handler: (argv) => {
    const file = argv.template as string;
    const envs = readEnvironmentFiles(argv.env as string[]);
    const loaded = loadTemplate(file, envs.environments);
    const flags = parseParameterArgs(argv.parameter as string[]);
    const checked =
      flags.errors.length > 0 || envs.errors.length > 0
        ? {
            errors: [...loaded.errors, ...flags.errors, ...envs.errors],
            name: null,
            steps: [],
            parameters: {},
            unset: [],
          }
        : checkTemplate(loaded, flags.values, undefined, envs.environments);
    const { errors } = checked;
    const valid = errors.length === 0;
    if (argv.json) {
      say(
        JSON.stringify(
          {
            valid,
            template: loaded.templatePath,
            bundle: loaded.bundleDir ?? null,
            name: checked.name,
            parameters: checked.parameters,
            unset: checked.unset,
            steps: checked.steps,
            errors,
            warnings: loaded.warnings,
            notBuilt: NOT_BUILT,
          },
          null,
          2,
        ),
      );
    } else {
      for (const l of [...lines('error', errors), ...lines('warning', loaded.warnings)]) say(l);
      if (valid && checked.steps.length > 0) {
        const what = checked.name === null ? 'the job' : `job "${checked.name}"`;
        say(`${what}: ${checked.steps.length} step(s) in dependency order`);
        const width = Math.max(...checked.steps.map((s) => s.name.length));
        for (const s of checked.steps) {
          const after = s.dependsOn.length ? `  after ${s.dependsOn.join(', ')}` : '';
          say(`  ${s.name.padEnd(width)}  ${taskText(s, checked.unset)}${after}`);
        }
        if (checked.unset.length > 0)
          say(
            `no value for ${checked.unset.join(', ')}: the name, task counts and host requirements are checked once given (-p Name=Value); submit needs them`,
          );
      }
      say(
        `${file}: ${valid ? 'valid' : `${errors.length} error(s)`}, ${loaded.warnings.length} warning(s) (jobtemplate-2023-09)`,
      );
      say(`not built here: ${NOT_BUILT.map((n) => n.name).join(', ')} (--json for details)`);
    }
    if (!valid) throw new CliError(`${file} is not a valid job template with these parameters`, 2);
  },
};

/** `cluster-tool openjd check`. */
export const openjdCommand: CommandModule = {
  command: 'openjd <command>',
  describe: 'Open Job Description (jobtemplate-2023-09) templates and job bundles: check',
  builder: (y) => y.command(check).demandCommand(1),
  handler: () => {},
};
