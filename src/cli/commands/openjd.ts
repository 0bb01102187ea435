import path from 'node:path';
import type { CommandModule } from 'yargs';
import { CliError } from '../../errors.js';
import {
  NOT_BUILT,
  describeJob,
  jobResources,
  openjdArch,
  loadTemplate,
  parseParameterArgs,
  resolveJobParameters,
  type Problem,
  type StepSummary,
} from '../../openjd/index.js';

const say = (s: string) => process.stdout.write(`${s}\n`);

function taskText(s: StepSummary): string {
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
        describe:
          'A job parameter value, Name=Value (repeatable); overrides parameter_values and defaults',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
  handler: (argv) => {
    const file = argv.template as string;
    const loaded = loadTemplate(file);
    const errors: Problem[] = [...loaded.errors];
    const flags = parseParameterArgs(argv.parameter as string[]);
    errors.push(...flags.errors);
    let summary: ReturnType<typeof describeJob> | undefined;
    let parameters: Record<string, string> = {};
    const t = loaded.template;
    if (t && errors.length === 0) {
      // -p paths are the caller's, relative to where they run; bundle values are relative to the bundle.
      for (const def of t.parameterDefinitions ?? []) {
        const v = flags.values[def.name];
        if (def.type === 'PATH' && v !== undefined && v !== '')
          flags.values[def.name] = path.resolve(v);
      }
      const resolved = resolveJobParameters(
        t,
        { ...loaded.parameterValues, ...flags.values },
        {
          relativePathsFrom: loaded.bundleDir,
        },
      );
      errors.push(...resolved.errors);
      if (resolved.errors.length === 0) {
        summary = describeJob(t, resolved.values);
        errors.push(...summary.errors);
        // what `submit openjd` would refuse: host requirements Slurm cannot be asked for
        errors.push(...jobResources(t, resolved.values, openjdArch(process.arch)).problems);
        parameters = Object.fromEntries(
          Object.entries(resolved.values).map(([k, v]) => [k, v.value]),
        );
      }
    }
    const valid = errors.length === 0;
    if (argv.json) {
      say(
        JSON.stringify(
          {
            valid,
            template: loaded.templatePath,
            bundle: loaded.bundleDir ?? null,
            name: summary?.name ?? null,
            parameters,
            steps: summary?.steps ?? [],
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
      if (summary && valid) {
        say(`job "${summary.name}": ${summary.steps.length} step(s) in dependency order`);
        const width = Math.max(...summary.steps.map((s) => s.name.length));
        for (const s of summary.steps) {
          const after = s.dependsOn.length ? `  after ${s.dependsOn.join(', ')}` : '';
          say(`  ${s.name.padEnd(width)}  ${taskText(s)}${after}`);
        }
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
