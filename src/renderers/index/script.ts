import { renderTemplate } from '../../templates/render.js';
import { indexGrowScript, indexSessionScript, type IndexScriptBase } from './script-spec.js';

export type { IndexScriptBase } from './script-spec.js';

/** The sbatch script text of a new IndeX session (see `indexSessionScript`). */
export function renderIndexSessionScript(
  opts: IndexScriptBase & { scene: string; extraArgs?: readonly string[] },
): string {
  const spec = indexSessionScript(opts);
  return renderTemplate(spec.template, spec.values);
}

/** The sbatch script text that grows a session (see `indexGrowScript`). */
export function renderIndexGrowScript(opts: IndexScriptBase & { firstJobId: string }): string {
  const spec = indexGrowScript(opts);
  return renderTemplate(spec.template, spec.values);
}
