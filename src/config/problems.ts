/**
 * A finding about a cluster config: expected outcomes are values, not exceptions (pcluster's
 * validators work the same way). `path` is a key path in the file being checked, e.g.
 * `Scheduling.SlurmQueues[0].ComputeResources[1].MaxCount`.
 */
export interface Problem {
  level: 'error' | 'warning';
  path: string;
  message: string;
}

/** The result of a check: errors make the config unusable, warnings do not. */
export interface CheckResult {
  errors: Problem[];
  warnings: Problem[];
}

/** Splits problems by level. */
export function toCheckResult(problems: readonly Problem[]): CheckResult {
  return {
    errors: problems.filter((p) => p.level === 'error'),
    warnings: problems.filter((p) => p.level === 'warning'),
  };
}

/** One line per problem: `error: PATH: what to change`. */
export function formatProblems(result: CheckResult): string[] {
  return [...result.errors, ...result.warnings].map((p) => `${p.level}: ${p.path}: ${p.message}`);
}

/** Maps each problem's path through `rename` (spec path to file key path or flag). */
export function renamePaths(
  problems: readonly Problem[],
  rename: (path: string) => string,
): Problem[] {
  return problems.map((p) => ({ ...p, path: rename(p.path) }));
}
