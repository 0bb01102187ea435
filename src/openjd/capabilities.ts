import { SPEC_EXTENSIONS_NOT_BUILT } from './extensions.js';
import { environmentSites, stepSites } from './format-sites.js';
import { referencesIn } from './format-string.js';
import { formatPath, type Problem } from './problem.js';
import type { JobTemplate } from './schema/template.js';

/** What OpenJD defines that this library does not do, by name; `openjd check --json` lists it. */
export const NOT_BUILT: readonly string[] = [
  'path mapping rules: Param.X of a PATH parameter is its value as given, Session.HasPathMappingRules is "false"',
  'hostRequirements: checked for form, not used to choose nodes',
  'environment templates (environment-2023-09) and queue environments',
  'userInterface: accepted and ignored (there is no submission GUI)',
  ...Object.entries(SPEC_EXTENSIONS_NOT_BUILT).map(([name, what]) => `extension ${name}: ${what}`),
  'Deadline Cloud job attachments (asset_references) and deadline:* parameter values',
];

/** Warnings for the not-built capabilities a valid template uses, each at its path. */
export function capabilityWarnings(t: JobTemplate): Problem[] {
  const out: Problem[] = [];
  const pathParams = new Set(
    (t.parameterDefinitions ?? []).filter((p) => p.type === 'PATH').map((p) => p.name),
  );
  const sites = [
    ...(t.jobEnvironments ?? []).flatMap((e, i) => environmentSites(e, ['jobEnvironments', i])),
    ...t.steps.flatMap((s, i) => stepSites(s, i)),
  ];
  const warned = new Set<string>();
  for (const site of sites) {
    for (const ref of referencesIn(site.value)) {
      const [scope, name] = ref.split('.');
      const mapped =
        (scope === 'Param' && name !== undefined && pathParams.has(name)) ||
        ref === 'Session.HasPathMappingRules';
      if (!mapped || warned.has(ref)) continue;
      warned.add(ref);
      out.push({
        path: site.path,
        message: `{{${ref}}}: path mapping is not built here, so it is the value as given (first use shown)`,
      });
    }
  }
  t.steps.forEach((s, i) => {
    if (s.hostRequirements)
      out.push({
        path: formatPath(['steps', i, 'hostRequirements']),
        message: 'is checked for form but not used to choose nodes: every node may run this step',
      });
  });
  return out;
}
