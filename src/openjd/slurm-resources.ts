import { submissionLookup } from './expand.js';
import { resolveFormatString } from './format-string.js';
import type { JobParameterValues } from './job-parameters.js';
import { formatPath, type PathSegment, type Problem } from './problem.js';
import {
  attributeValueProblem,
  capabilityNameProblem,
  type HostRequirements,
} from './schema/host-requirements.js';
import type { JobTemplate } from './schema/template.js';
import { numberOf } from './values.js';

/**
 * Host requirements (2023-09 Template Schemas §3.3) in the terms Slurm knows. Every task runs on
 * one agent slot, which is one GPU of a node, so requirements are per task and become per-node
 * minimums of the allocation (times the slots per node). Units as the spec's standard
 * capabilities: memory and GPU memory in MiB, scratch disk in GiB (openjd-specifications wiki
 * "2023-09 Template Schemas", §3.3.1). What Slurm cannot be asked is refused, with the reason.
 */

/** Minimums one task needs (0: no minimum). */
export interface TaskResources {
  /** amount.worker.vcpu */
  cpus: number;
  /** amount.worker.memory, MiB */
  memoryMiB: number;
  /** amount.worker.disk.scratch, GiB */
  scratchGiB: number;
}

/** The architecture names OpenJD uses, by Node's `process.arch`. */
export function openjdArch(nodeArch: string): string {
  return nodeArch === 'x64' ? 'x86_64' : nodeArch;
}

const NO_MAX = 'a maximum cannot be asked of Slurm (a node is given whole): remove max, keep min';

function amountProblem(name: string, min: number | undefined, max: number | undefined) {
  switch (name) {
    case 'amount.worker.gpu':
      if ((min ?? 0) > 1)
        return `asks for ${min} GPUs per task; each task here runs on one GPU (one agent per GPU): ask for at most 1`;
      if (max !== undefined && max < 1)
        return 'asks for hosts without a GPU; every slot here has one GPU: remove max or make it at least 1';
      return undefined;
    case 'amount.worker.gpu.memory':
      return "Slurm here does not know how much memory a GPU has: remove it and choose the nodes' instance type in the cluster config";
    case 'amount.worker.vcpu':
    case 'amount.worker.memory':
    case 'amount.worker.disk.scratch':
      return max !== undefined ? NO_MAX : undefined;
    default:
      return `${name} is not something Slurm knows here (it knows GPUs, CPUs, memory and scratch disk): remove it`;
  }
}

function attributeProblem(name: string, values: string[], hostArch: string): string | undefined {
  const want = name === 'attr.worker.os.family' ? 'linux' : hostArch;
  if (name !== 'attr.worker.os.family' && name !== 'attr.worker.cpu.arch')
    return `${name} is not something Slurm knows here: remove it`;
  if (values.map((v) => v.toLowerCase()).includes(want)) return undefined;
  return `asks for ${values.join(' or ')}; the nodes here are ${want}`;
}

function resolved(v: string, jobParams: JobParameterValues): string {
  const r = resolveFormatString(v, submissionLookup(jobParams));
  return 'error' in r ? v : r.value;
}

/** Whether a (resolved, lower-case) capability name is one of the spec's own. */
const isStandard = (name: string) => /^(?:[a-z_][a-z0-9_]*:)?(?:amount|attr)\.worker\./.test(name);

/**
 * One step's requirements as task minimums, what cannot be asked of Slurm, and warnings. Names
 * written as format strings are resolved first and checked as names (§3.3.1.1). Custom
 * capabilities (no standard scope) describe workers that Slurm here knows nothing of: every node
 * is taken to have them, with a warning.
 */
export function stepResources(
  req: HostRequirements | undefined,
  at: PathSegment[],
  jobParams: JobParameterValues,
  hostArch: string,
): { resources: TaskResources; problems: Problem[]; warnings: Problem[] } {
  const resources: TaskResources = { cpus: 0, memoryMiB: 0, scratchGiB: 0 };
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const named = (key: 'amounts' | 'attributes', prefix: 'amount' | 'attr') => {
    const seen = new Map<string, number>();
    return (req?.[key] ?? []).map((c, i) => {
      const name = resolved(c.name, jobParams).toLowerCase();
      const where = formatPath([...at, key, i, 'name']);
      const bad = c.name.includes('{{') ? capabilityNameProblem(prefix, name) : undefined;
      if (bad) {
        problems.push({
          path: where,
          message: `resolves to ${JSON.stringify(name)}, which ${bad}`,
        });
        return undefined;
      }
      const first = seen.get(name);
      if (first !== undefined) {
        problems.push({
          path: where,
          message: `names the same capability as ${key}[${first}] (${name}) once resolved: give each once`,
        });
        return undefined;
      }
      seen.set(name, i);
      if (!isStandard(name)) {
        warnings.push({
          path: where,
          message: `${name} is a custom capability Slurm here knows nothing of: every node is taken to have it`,
        });
        return undefined;
      }
      return name;
    });
  };
  const amountNames = named('amounts', 'amount');
  (req?.amounts ?? []).forEach((a, i) => {
    const name = amountNames[i];
    if (name === undefined) return;
    const why = amountProblem(name, numberOf(a.min), numberOf(a.max));
    if (why) problems.push({ path: formatPath([...at, 'amounts', i]), message: why });
    const min = Math.ceil(numberOf(a.min) ?? 0);
    if (name === 'amount.worker.vcpu') resources.cpus = min;
    if (name === 'amount.worker.memory') resources.memoryMiB = min;
    if (name === 'amount.worker.disk.scratch') resources.scratchGiB = min;
  });
  const attrNames = named('attributes', 'attr');
  (req?.attributes ?? []).forEach((a, i) => {
    const name = attrNames[i];
    for (const key of ['anyOf', 'allOf'] as const) {
      const values = a[key]?.map((v) => resolved(v, jobParams));
      if (!values) continue;
      const where = formatPath([...at, 'attributes', i, key]);
      if (name === undefined) {
        // a custom attribute: its values are still held to the form of one (§3.3.2.2)
        values.forEach((v, j) => {
          const why = attributeValueProblem(v);
          if (why && a[key]?.[j]?.includes('{{'))
            problems.push({
              path: `${where}[${j}]`,
              message: `resolves to ${JSON.stringify(v)}, which ${why}`,
            });
        });
        continue;
      }
      const why = attributeProblem(name, values, hostArch);
      if (why) problems.push({ path: where, message: why });
    }
  });
  return { resources, problems, warnings };
}

/** The largest minimums over every step (one allocation serves them all), and the problems. */
export function jobResources(
  template: JobTemplate,
  jobParams: JobParameterValues,
  hostArch: string,
): { resources: TaskResources; problems: Problem[]; warnings: Problem[] } {
  const out: TaskResources = { cpus: 0, memoryMiB: 0, scratchGiB: 0 };
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  template.steps.forEach((s, i) => {
    const r = stepResources(
      s.hostRequirements,
      ['steps', i, 'hostRequirements'],
      jobParams,
      hostArch,
    );
    problems.push(...r.problems);
    warnings.push(...r.warnings);
    out.cpus = Math.max(out.cpus, r.resources.cpus);
    out.memoryMiB = Math.max(out.memoryMiB, r.resources.memoryMiB);
    out.scratchGiB = Math.max(out.scratchGiB, r.resources.scratchGiB);
  });
  return { resources: out, problems, warnings };
}
