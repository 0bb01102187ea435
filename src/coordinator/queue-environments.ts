import type { QueueEnvironmentView } from '../api/environment-requests.js';
import { UsageError } from '../errors.js';
import { validateEnvironmentTemplate } from '../openjd/environment-template.js';
import type { EnvironmentTemplateInput } from '../openjd/job-plan.js';
import { ConflictError, NotFoundError } from './errors.js';
import type { QueueEnvironmentsTable } from './store/tables/queue-environments.js';

/**
 * The queue environments the coordinator keeps: OpenJD environment templates (§1.2) applied to
 * every OpenJD job before its own `--env` ones, outermost (first added) first, as Deadline
 * Cloud applies a queue's environments. Each is validated when added, and named by its
 * environment's name, which must be new.
 */
export class QueueEnvironments {
  constructor(
    private readonly table: Pick<QueueEnvironmentsTable, 'list' | 'add' | 'remove'>,
    private readonly now: () => number,
  ) {}

  list(): QueueEnvironmentView[] {
    return this.table.list().map((r) => {
      const env = validateEnvironmentTemplate(r.doc).template;
      const actions = env?.environment.script?.actions;
      return {
        name: r.name,
        source: r.source,
        parameters: (env?.parameterDefinitions ?? []).map((p) => p.name),
        onEnter: actions?.onEnter !== undefined,
        onExit: actions?.onExit !== undefined,
        variables: Object.keys(env?.environment.variables ?? {}),
        addedAt: r.addedAt,
      };
    });
  }

  /** What an OpenJD job's plan runs it in, outermost first. */
  templates(): EnvironmentTemplateInput[] {
    return this.table.list().map((r) => ({
      where: `queue environment ${r.name}`,
      doc: r.doc,
      ...(r.dir ? { dir: r.dir } : {}),
    }));
  }

  /** Validates and keeps one; a UsageError names every problem, a ConflictError a taken name. */
  add(source: string, doc: unknown, dir?: string): QueueEnvironmentView {
    const v = validateEnvironmentTemplate(doc);
    if (!v.template)
      throw new UsageError(
        [
          `${source} is not a valid environment template:`,
          ...v.errors.map((p) => `  error: ${p.path}: ${p.message}`),
        ].join('\n'),
      );
    const name = v.template.environment.name;
    const added = this.table.add({ name, source, doc, dir: dir ?? null, addedAt: this.now() });
    if (!added)
      throw new ConflictError(
        `a queue environment named ${name} is kept already: remove it first (cluster-tool env remove ${name})`,
      );
    return this.list().find((e) => e.name === name) as QueueEnvironmentView;
  }

  remove(name: string): void {
    if (!this.table.remove(name))
      throw new NotFoundError(`no queue environment is named ${name} (cluster-tool env list)`);
  }
}
