import type { OutputCheck } from '../../src/coordinator/io/output-check.js';

/**
 * Test double for the coordinator's output check (src/coordinator/io/output-check.ts, which reads
 * the frames and videos an agent reports): every output counts as there and whole, for tests of
 * the scheduling core that render nothing. `missing` lists paths to report as missing instead.
 */
export class AcceptingOutputCheck implements OutputCheck {
  readonly asked: string[] = [];
  missing = new Set<string>();

  problems(outputs: readonly { path: string }[]): Promise<string[]> {
    this.asked.push(...outputs.map((o) => o.path));
    return Promise.resolve(
      outputs.filter((o) => this.missing.has(o.path)).map((o) => `${o.path} is missing`),
    );
  }
}
