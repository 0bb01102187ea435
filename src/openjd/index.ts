/**
 * Open Job Description (specification revision jobtemplate-2023-09) for cluster-tool: parse and
 * validate job templates and job bundles, resolve job parameters, expand steps into tasks and
 * turn tasks into argv, files and environment variables. Everything but `load.ts`,
 * `environment-files.ts` and `manifest-reader.ts` is pure. See docs/openjd.md.
 *
 * A coordinator runs a template like this:
 * ```ts
 * const t = loadTemplate(dirOrFile);                       // or validateTemplate(doc)
 * const { values, errors } = resolveJobParameters(t.template!, given, { relativePathsFrom: t.bundleDir });
 * for (const step of stepOrder(t.template!)) {             // each after its dependencies
 *   const tasks = expandStep(t.template!, step, values, readManifestFromJobDir(jobDir));
 *   const envs = environmentActions(t.template!, step, values, sessionDir);  // enter, then exit in reverse
 *   for (const task of tasks) run(instantiateTask(t.template!, step, task.params, values, sessionDir));
 * }
 * ```
 */
export { NOT_BUILT, capabilityWarnings, type NotBuilt } from './capabilities.js';
export { checkTemplate, type CheckResult } from './check.js';
export { describeJob, jobName, stepOrder, type StepSummary } from './describe.js';
export { expandStep, isDynamicStep, type TaskSpec } from './expand.js';
export {
  MANIFEST_RANGE_EXTENSION,
  SPEC_EXTENSIONS_NOT_BUILT,
  SUPPORTED_EXTENSIONS,
} from './extensions.js';
export { environmentActions, type EnvironmentCommands } from './environment-actions.js';
export { type ActionCommand, type Cancelation, type FileToWrite } from './host-scope.js';
export { instantiateTask, type TaskCommand } from './instantiate.js';
export {
  parseParameterArgs,
  resolveJobParameters,
  type JobParameterValue,
  type JobParameterValues,
  type ResolveOptions,
} from './job-parameters.js';
export { MAX_JOB_TASKS, planTemplateJob, type PlannedStep, type TemplateJob } from './job-plan.js';
export { loadTemplate, type LoadedTemplate } from './load.js';
export { resolveNumericFields } from './numeric-fields.js';
export { MAX_MANIFEST_VALUES, type ManifestRequest, type ReadManifest } from './manifest-range.js';
export { readManifestWith } from './manifest-probe.js';
export { readManifestFromJobDir } from './manifest-reader.js';
export {
  applyEnvMessages,
  parseOutput,
  parseOutputLine,
  type OutputEvent,
} from './output-messages.js';
export { OpenjdInstantiationError, type Problem } from './problem.js';
export { maskCommand, Redactor, REDACTED } from './redaction.js';
export type { JobTemplate } from './schema/template.js';
export type { StepTemplate } from './schema/step.js';
export type { TaskParameterValue } from './task-values.js';
export { jobResources, openjdArch, stepResources, type TaskResources } from './slurm-resources.js';
export { stepSlice, taskLabel } from './step-slice.js';
export { validateTemplate, type ValidationResult } from './validate.js';
