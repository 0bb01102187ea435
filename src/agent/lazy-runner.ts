import type { LeasedTask, RunContext, TaskRunner } from './runner.js';

/**
 * A runner whose module loads on first use (its first task or warm-up), so that an agent's start
 * loads only what its job's tasks need: a command job's agent never loads Blender's or OpenJD's
 * runner. `kinds` is said here, where nothing is loaded yet; the loaded runner must name the same.
 */
export class LazyRunner implements TaskRunner {
  private loading: Promise<TaskRunner> | undefined;

  constructor(
    readonly kinds: readonly string[],
    private readonly load: () => Promise<TaskRunner>,
  ) {}

  /** Loads the runner now (once); later calls get the same one. */
  runner(): Promise<TaskRunner> {
    this.loading ??= this.load().then((r) => {
      const same =
        r.kinds.length === this.kinds.length && r.kinds.every((k) => this.kinds.includes(k));
      if (!same)
        throw new Error(
          `runner of ${this.kinds.join(', ')} loaded with kinds ${r.kinds.join(', ')}: the agent's runner list is out of date`,
        );
      return r;
    });
    return this.loading;
  }

  async run(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>> {
    return (await this.runner()).run(task, ctx);
  }

  async warmUp(kind: string, payload: Record<string, unknown>, ctx: RunContext): Promise<void> {
    const r = await this.runner();
    await r.warmUp?.(kind, payload, ctx);
  }

  /** Closes the runner if it was loaded; one never loaded holds nothing. */
  async close(): Promise<void> {
    if (this.loading) await (await this.loading).close();
  }
}
