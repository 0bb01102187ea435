import { findStep } from './expand.js';
import type { StepTemplate } from './schema/step.js';
import type { JobTemplate } from './schema/template.js';

/**
 * The part of a template that running one step's tasks needs: the job's environments and that
 * step, without its dependencies, host requirements or parameter ranges (the task carries its
 * own values). A runner passes it to `instantiateTask` and `environmentActions` as the template;
 * it is what a task's payload carries, so a task does not hold the whole template.
 */
export function stepSlice(template: JobTemplate, stepName: string): JobTemplate {
  const { step } = findStep(template, stepName);
  const slim: StepTemplate = {
    name: step.name,
    script: step.script,
    ...(step.let ? { let: step.let } : {}),
    ...(step.stepEnvironments ? { stepEnvironments: step.stepEnvironments } : {}),
    ...(step.parameterSpace
      ? {
          parameterSpace: {
            taskParameterDefinitions: step.parameterSpace.taskParameterDefinitions.map((p) => ({
              name: p.name,
              type: p.type,
            })),
          },
        }
      : {}),
  };
  return {
    specificationVersion: template.specificationVersion,
    name: template.name,
    ...(template.jobEnvironments ? { jobEnvironments: template.jobEnvironments } : {}),
    steps: [slim],
  };
}

const MAX_LABEL = 160;

/**
 * A task's name as people read it: the step and its task parameter values,
 * `Process[Tile=tiles/tile_0_1.npy]` (long values cut in the middle).
 */
export function taskLabel(
  stepName: string,
  params: Readonly<Record<string, { value: string }>>,
): string {
  const parts = Object.entries(params).map(([k, v]) => {
    const s = v.value.length > 60 ? `${v.value.slice(0, 28)}…${v.value.slice(-28)}` : v.value;
    return `${k}=${s}`;
  });
  const label = parts.length ? `${stepName}[${parts.join(',')}]` : stepName;
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}
