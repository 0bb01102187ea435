import { z } from 'zod';
import { pathMappingRules } from '../../openjd/path-mapping.js';
import { ABSOLUTE_PATH, commonFields, stringList } from './common.js';

// The requests of the kinds that run a program of the user's on the GPUs: a Plenoxels sweep's
// svox2, a list of commands, an IndeX session, an Open Job Description template's actions.

/** What a file's text sent inline is refused with when not text. */
const FILE_TEXT = "must be the file's text";
const PYTHON = 'give the Python of the svox2 environment, e.g. python3';
const PRJ = 'give the absolute path of a .prj file';
const BUNDLE_DIR = 'must be an absolute path';

/**
 * A Plenoxels sweep: the autotune task file as `taskFile` (its text) or `taskFilePath`
 * (absolute), run with the svox2 checkout `svox2` (absolute).
 */
export const plenoxelsRequest = commonFields.extend({
  kind: z.literal('plenoxels'),
  taskFile: z.string({ error: FILE_TEXT }).optional(),
  taskFilePath: z.string({ error: ABSOLUTE_PATH }).optional(),
  svox2: z.string({ error: ABSOLUTE_PATH }),
  /** The Python of the svox2 environment (default python3). */
  python: z
    .string({ error: PYTHON })
    .regex(/^[^\0\n\r]+$/, PYTHON)
    .optional(),
  /** Where the task file's relative data_root and train_root start; default its directory. */
  cwd: z.string({ error: ABSOLUTE_PATH }).optional(),
  /** autotune's `--eval` and `--render`, for tasks whose file does not say. */
  eval: z.boolean({ error: 'must be true or false' }).optional(),
  render: z.boolean({ error: 'must be true or false' }).optional(),
  /** GPU memory to warn about the grid against (default 16, a V100 of a p3.8xlarge). */
  gpuMemoryGiB: z.number().optional(),
});

/**
 * A generic command job: tasks.jsonl as `tasks` (its text) or `tasksPath` (absolute), one task
 * per line.
 */
export const commandRequest = commonFields.extend({
  kind: z.literal('command'),
  tasks: z.string({ error: FILE_TEXT }).optional(),
  tasksPath: z.string({ error: ABSOLUTE_PATH }).optional(),
  /** The argv template for lines without `argv`, `{field}` replaced per line. */
  command: stringList('must be a list of strings (a program and its arguments)').optional(),
  /** Where each command runs (absolute); default the job's output directory. */
  cwd: z.string({ error: ABSOLUTE_PATH }).optional(),
});

/**
 * An NVIDIA IndeX session: a service that runs the IndeX launcher on every node of its
 * allocations until cancelled or out of time.
 */
export const indexRequest = commonFields.extend({
  kind: z.literal('index'),
  /** The absolute path of the .prj file. */
  scene: z.string({ error: PRJ }).startsWith('/', PRJ),
  /** The IndeX demo directory (default /opt/nvidia-index/demo). */
  indexDir: z.string().optional(),
  /** More arguments for the viewer. */
  extraArgs: stringList('a list of strings').optional(),
});

/** An Open Job Description job. */
export const openjdRequest = commonFields.extend({
  kind: z.literal('openjd'),
  /** The job template document (YAML or JSON, parsed); the plan validates it. */
  template: z.unknown().optional(),
  /** Where the template was read, for people. */
  templatePath: z.string().optional(),
  /** Relative PATH values are taken from here (absolute). */
  bundleDir: z.string({ error: BUNDLE_DIR }).startsWith('/', BUNDLE_DIR).optional(),
  /** Parameter name to value: the bundle's parameter_values and `-p` merged. */
  parameters: z
    .record(z.string(), z.unknown(), { error: 'give an object of parameter names to values' })
    .optional(),
  /** Environment templates to run the job in, outermost first (`--env`); the coordinator's
   * queue environments go around them. Each: where it was read, its document, its directory. */
  environments: z
    .array(
      z.object({
        where: z.string().min(1).max(4096),
        doc: z.unknown(),
        dir: z.string({ error: BUNDLE_DIR }).startsWith('/', BUNDLE_DIR).optional(),
      }),
      { error: 'give a list of environment templates ({where, doc, dir})' },
    )
    .max(20, { error: 'give at most 20 environment templates' })
    .optional(),
  /** The parameters given on the command line (`-p`): their relative PATH values are joined
   * with `workingDir` (where they were typed), not `bundleDir`. */
  commandLineParameters: z.array(z.string()).optional(),
  /** Path-mapping rules the job's sessions apply to PATH values (`--path-mapping-rules`). */
  pathMappingRules: pathMappingRules.optional(),
  workingDir: z.string({ error: BUNDLE_DIR }).startsWith('/', BUNDLE_DIR).optional(),
  /** Filled in by the plan (a submitted value is replaced): the validated template, the
   * resolved parameters and what each task needs (coordinator/jobs/openjd-payload.ts). */
  openjd: z.unknown().optional(),
});
