import { SPEC_EXTENSIONS_NOT_BUILT } from './extensions.js';
import { formatPath, type Problem } from './problem.js';
import type { JobTemplate } from './schema/template.js';

/** A capability OpenJD (or a job bundle) defines that this library does not build. */
export interface NotBuilt {
  name: string;
  detail: string;
}

/** What OpenJD defines that this library does not do, by name; `openjd check` lists it. */
export const NOT_BUILT: readonly NotBuilt[] = [
  {
    name: 'hostRequirements beyond GPUs, CPUs, memory and scratch disk',
    detail:
      'GPU memory and maximums are refused at submit; custom capabilities are taken as every node having them (a warning); the rest become sbatch options',
  },
  { name: 'userInterface', detail: 'checked per control, never drawn: there is no submission GUI' },
  ...Object.entries(SPEC_EXTENSIONS_NOT_BUILT).map(([name, detail]) => ({
    name: `extension ${name}`,
    detail,
  })),
  {
    name: 'job attachments',
    detail:
      "a bundle's asset_references and deadline:* parameter values (but deadline:maxRetriesPerTask) are ignored",
  },
];

/** Warnings for the not-built capabilities a valid template uses, each at its path. */
export function capabilityWarnings(t: JobTemplate): Problem[] {
  const out: Problem[] = [];
  const ui = (t.parameterDefinitions ?? []).flatMap((p, i) => (p.userInterface ? [i] : []));
  if (ui[0] !== undefined)
    out.push({
      path: formatPath(['parameterDefinitions', ui[0], 'userInterface']),
      message: `userInterface is not drawn here: checked per control, otherwise ignored (${ui.length} parameter(s); first shown)`,
    });
  return out;
}
