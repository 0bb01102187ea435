import { SPEC_EXTENSIONS_NOT_BUILT } from './extensions.js';
import { environmentSites, stepSites } from './format-sites.js';
import { referencesIn } from './format-string.js';
import { formatPath, type Problem } from './problem.js';
import { isPathType } from './references.js';
import type { JobTemplate } from './schema/template.js';

/** A capability OpenJD (or a job bundle) defines that this library does not build. */
export interface NotBuilt {
  name: string;
  detail: string;
}

/** What OpenJD defines that this library does not do, by name; `openjd check` lists it. */
export const NOT_BUILT: readonly NotBuilt[] = [
  {
    name: 'path mapping rules',
    detail:
      'Param.X of a PATH parameter is its value as given; Session.HasPathMappingRules is "false"',
  },
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
  const pathParams = new Set(
    (t.parameterDefinitions ?? []).filter((p) => isPathType(p.type)).map((p) => p.name),
  );
  const sites = [
    ...(t.jobEnvironments ?? []).flatMap((e, i) => environmentSites(e, ['jobEnvironments', i])),
    ...t.steps.flatMap((s, i) => stepSites(s, i)),
  ];
  const mapped = new Set<string>();
  let at: string | undefined;
  for (const site of sites) {
    for (const ref of referencesIn(site.value)) {
      const [scope, name] = ref.split('.');
      if (scope !== 'Param' || name === undefined || !pathParams.has(name)) continue;
      mapped.add(name);
      at ??= site.path;
    }
  }
  if (at)
    out.push({
      path: at,
      message: `path mapping is not built here: {{Param.X}} of ${[...mapped].join(', ')} is the value as given (first use shown)`,
    });
  const ui = (t.parameterDefinitions ?? []).flatMap((p, i) => (p.userInterface ? [i] : []));
  if (ui[0] !== undefined)
    out.push({
      path: formatPath(['parameterDefinitions', ui[0], 'userInterface']),
      message: `userInterface is not drawn here: checked per control, otherwise ignored (${ui.length} parameter(s); first shown)`,
    });
  return out;
}
