import { existsSync, readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { ec2Client } from '../../aws/clients.js';
import { checkSpecWithEc2 } from '../../aws/ec2-check.js';
import { checkConfigText } from '../../config/check.js';
import { detectFormat } from '../../config/generate.js';
import { formatProblems, renamePaths, toCheckResult } from '../../config/problems.js';
import { DEFAULT_RELEASE_TEXT } from '../../config/v3/releases.js';
import { CliError, UsageError } from '../../errors.js';
import { RELEASE_HELP } from './config-init.js';

const say = (s: string) => process.stdout.write(`${s}\n`);
const note = (s: string) => process.stderr.write(`${s}\n`);

/** `cluster-tool config check`. */
export const configCheck: CommandModule = {
  command: 'check <file>',
  describe: 'Check a ParallelCluster config offline, and with --aws against EC2',
  builder: (y) =>
    y
      .positional('file', {
        type: 'string',
        demandOption: true,
        describe: 'v3 YAML or v2 INI file',
      })
      .option('aws', {
        type: 'boolean',
        default: false,
        describe: 'Also ask EC2: instance types (and their GPUs), AMI, subnets, key pair',
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'Print {errors, warnings} as JSON',
      })
      .option('pcluster-version', {
        type: 'string',
        describe: `${RELEASE_HELP} (v3 files)`,
        defaultDescription: `the file's cluster-tool:pcluster-version tag, else ${DEFAULT_RELEASE_TEXT}`,
      }),
  handler: async (argv) => {
    const file = argv.file as string;
    if (!existsSync(file)) throw new UsageError(`${file} does not exist`);
    const withEc2 = Boolean(argv.aws);
    const text = readFileSync(file, 'utf8');
    const result = checkConfigText(text, detectFormat(text), {
      file,
      withEc2,
      pclusterVersion: argv['pcluster-version'] as string | undefined,
    });
    let gpus: Record<string, number> = {};
    if (withEc2 && !result.spec)
      note('--aws: EC2 was not asked, because the file could not be read; fix the errors first');
    if (withEc2 && result.spec) {
      const ec2 = await checkSpecWithEc2(ec2Client({ region: result.spec.region }), result.spec, {
        format: result.format,
      });
      const more = toCheckResult(renamePaths(ec2.problems, result.keyPath));
      result.errors.push(...more.errors);
      result.warnings.push(...more.warnings);
      gpus = ec2.gpusByType;
    }
    if (argv.json)
      say(
        JSON.stringify(
          {
            format: result.format,
            errors: result.errors,
            warnings: result.warnings,
            gpusByType: gpus,
          },
          null,
          2,
        ),
      );
    else {
      for (const line of formatProblems(result)) say(line);
      for (const [t, n] of Object.entries(gpus)) say(`info: ${t} has ${n} GPU(s) per node`);
      say(
        `${file}: ${result.errors.length} error(s), ${result.warnings.length} warning(s) (${result.format}${argv.aws ? ', checked with EC2' : ', offline'})`,
      );
    }
    if (result.errors.length) throw new CliError(`${file} has ${result.errors.length} error(s)`, 1);
  },
};
