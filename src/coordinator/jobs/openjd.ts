import path from 'node:path';
import { UsageError } from '../../errors.js';
import { expandStep, isDynamicStep, type TaskSpec } from '../../openjd/expand.js';
import { planTemplateJob } from '../../openjd/job-plan.js';
import { readManifestWith } from '../../openjd/manifest-probe.js';
import { OpenjdInstantiationError, type Problem } from '../../openjd/problem.js';
import { openjdArch } from '../../openjd/slurm-resources.js';
import { stepSlice, taskLabel } from '../../openjd/step-slice.js';
import type { Environment } from '../../openjd/schema/script.js';
import type { NewTask } from '../store/types.js';
import { checkCommonFields } from './common-fields.js';
import { EVERY_STAGE, type JobType } from './job-type.js';
import {
  OPENJD_TASK,
  openjdPayload,
  openjdSpecOf,
  type OpenjdSpec,
  type OpenjdTaskPayload,
} from './openjd-payload.js';
import { adaptiveSizingOf, resizeChunks } from './openjd-chunks.js';
import { openjdResults, openjdStepNotes } from './openjd-results.js';
import { resultsCsv } from './result-csv.js';
import { numberOf } from '../../openjd/values.js';
import { mapPath } from '../../openjd/path-mapping.js';

/** Problems as the lines `openjd check` prints, for an error message. */
function problemText(what: string, problems: readonly Problem[]): string {
  return [what, ...problems.map((p) => `  error: ${p.path}: ${p.message}`)].join('\n');
}

/** The tasks of one step as the coordinator stores them. */
function stepTasks(spec: OpenjdSpec, step: string, order: number, specs: TaskSpec[]): NewTask[] {
  const template = stepSlice(spec.template, step);
  const adaptive = adaptiveSizingOf(spec, step);
  return specs.map((t) => {
    const payload: OpenjdTaskPayload = {
      step,
      stepIndex: order,
      index: t.index,
      label: taskLabel(step, t.params),
      params: t.params,
      jobParameters: spec.values,
      template,
      ...(adaptive ? { adaptive } : {}),
      ...(spec.pathMapping?.length ? { pathMapping: spec.pathMapping } : {}),
    };
    return { stage: step, seq: t.index, kind: OPENJD_TASK, payload: { ...payload }, frames: [] };
  });
}

/**
 * Directories a manifest may be read from besides the job's own: the PATH job parameters the
 * job writes (dataFlow OUT or INOUT), as mapped on the nodes, never one holding the
 * coordinator's state directory.
 */
function manifestRoots(spec: OpenjdSpec, jobDir: string): string[] {
  const stateDir = path.dirname(path.dirname(jobDir));
  return (
    (spec.template.parameterDefinitions ?? [])
      .filter((d) => d.type === 'PATH' && (d.dataFlow === 'OUT' || d.dataFlow === 'INOUT'))
      // where the nodes write it: the value mapped by the job's path-mapping rules
      .map((d) => mapPath(spec.values[d.name]?.value ?? '', spec.pathMapping ?? []))
      .filter((v) => path.isAbsolute(v))
      .filter((v) => {
        const rel = path.relative(v, stateDir);
        return rel.startsWith('..') || path.isAbsolute(rel);
      })
  );
}

/**
 * An Open Job Description job: its template planned with its parameters (relative PATH values
 * from `bundleDir`). Each step is a stage, run in dependency order one after another; each task
 * one `openjd-task`
 * that an agent leases; the tasks of a step with a manifest parameter are made when its stage
 * becomes ready. Host requirements become the allocation's per-node minimums.
 */
export const openjdJob: JobType<'openjd'> = {
  kind: 'openjd',
  mainStage: EVERY_STAGE,
  progressUnit: 'tasks',
  allocation: 'per-node',
  panels: ['tasks', 'results'],
  payloads: { [OPENJD_TASK]: openjdPayload },

  plan(req, { limits, queueEnvironments }) {
    const common = checkCommonFields(req, limits);
    if (req.template === undefined || req.template === null)
      throw new UsageError('template: give the job template document (YAML or JSON, parsed)');
    const bundleDir = req.bundleDir;
    const templatePath = req.templatePath ?? 'template';
    const cwd = req.workingDir;
    const r = planTemplateJob(req.template, req.parameters ?? {}, {
      ...(bundleDir ? { relativePathsFrom: bundleDir } : {}),
      hostArch: openjdArch(process.arch),
      environments: [...(queueEnvironments ?? []), ...(req.environments ?? [])],
      ...(cwd
        ? {
            givenPathsFrom: Object.fromEntries(
              (req.commandLineParameters ?? []).map((n) => [n, cwd]),
            ),
          }
        : {}),
    });
    if (!r.job) throw new UsageError(problemText(`${templatePath} cannot be submitted:`, r.errors));
    const job = r.job;
    const spec: OpenjdSpec = {
      template: job.template,
      values: job.values,
      resources: job.resources,
      ...(req.pathMappingRules?.length ? { pathMapping: req.pathMappingRules } : {}),
    };
    const tasks = job.steps.flatMap((s) =>
      s.tasks ? stepTasks(spec, s.name, s.order, s.tasks) : [],
    );
    const later = job.steps.filter((s) => s.tasks === null).map((s) => s.name);
    // the validated template (environment templates applied) is kept once, in `openjd`
    const { template: _sent, environments: envs, pathMappingRules: _rules, ...kept } = req;
    void _rules;
    void _sent;
    return {
      kind: 'openjd',
      name: common.name ?? job.name,
      request: {
        ...kept,
        kind: 'openjd',
        templatePath,
        ...common,
        name: common.name,
        openjd: spec,
      },
      nodes: common.nodes,
      gpusPerNode: common.gpusPerNode,
      stages: job.steps.map((s) => ({
        name: s.name,
        seq: s.order,
        state: s.order === 0 ? ('ready' as const) : ('waiting' as const),
      })),
      tasks,
      summary: `${job.steps.length} step(s), ${tasks.length} task(s)${later.length ? ` and the tasks of ${later.join(', ')} from manifests` : ''} on ${common.nodes} node(s)${queueEnvironments?.length || envs?.length ? `, in environment template(s) ${[...(queueEnvironments ?? []), ...(envs ?? [])].map((e) => e.where).join(', ')}` : ''}`,
      warnings: job.warnings.map((w) => `${w.path}: ${w.message}`),
    };
  },

  /** A manifest step's tasks, read from what the steps before it wrote. */
  onStageReady(job, stage, files) {
    const spec = openjdSpecOf(job.spec);
    const step = spec.template.steps.find((s) => s.name === stage.name);
    if (!step || !isDynamicStep(step)) return [];
    try {
      const read = readManifestWith(files, job.dir, manifestRoots(spec, job.dir));
      return stepTasks(
        spec,
        stage.name,
        stage.seq,
        expandStep(spec.template, step.name, spec.values, read),
      );
    } catch (e) {
      if (e instanceof OpenjdInstantiationError)
        throw new UsageError(problemText(`step ${stage.name}:`, e.problems));
      throw e;
    }
  },

  nodeResources(job) {
    const r = openjdSpecOf(job.spec).resources;
    return {
      cpus: r.cpus * job.gpusPerNode,
      memoryMiB: r.memoryMiB * job.gpusPerNode,
      tmpMiB: r.scratchGiB * 1024 * job.gpusPerNode,
    };
  },

  results: openjdResults,

  resizeQueued: resizeChunks,

  /**
   * The onExit actions still to run when the job ends: the job's environments' and a step's
   * (the last one an agent ran), one after another, each within its timeout (10 minutes where
   * it has none), plus a little for the agent to report and leave.
   */
  closingMs(job) {
    const t = openjdSpecOf(job.spec).template;
    const exitMs = (envs: readonly Environment[] | undefined) =>
      (envs ?? []).reduce(
        (sum, e) =>
          sum +
          (e.script?.actions.onExit
            ? (numberOf(e.script.actions.onExit.timeout) ?? 600) * 1000
            : 0),
        0,
      );
    const steps = Math.max(0, ...t.steps.map((s) => exitMs(s.stepEnvironments)));
    const total = exitMs(t.jobEnvironments) + steps;
    return total > 0 ? Math.min(total + 10_000, 60 * 60_000) : 0;
  },

  /** Its label: the step and its task's parameter values (`Process[Tile=3]`, see taskLabel). */
  taskName: ({ payload }) =>
    typeof payload.label === 'string' && payload.label ? payload.label : undefined,

  /** results.csv in the job directory, and a line per step for the history. */
  onJobEnded(job, tasks) {
    const rows = openjdResults(tasks);
    const csv = path.join(job.dir, 'results.csv');
    return {
      files: [{ path: csv, text: resultsCsv(rows) }],
      notes: [...openjdStepNotes(rows), `results of ${rows.length} task(s): ${csv}`],
    };
  },
};
