/**
 * A job's priority: which of this coordinator's jobs Slurm starts first when nodes are scarce.
 * Shared by the CLI (checks `--priority` before sending), the routes and the submission.
 */
export const PRIORITY_MIN = 1;
export const PRIORITY_MAX = 100;
export const DEFAULT_PRIORITY = 50;

/** What is wrong with a priority, or null when it is one. */
export function priorityProblem(value: unknown): string | null {
  if (typeof value === 'number' && Number.isInteger(value))
    if (value >= PRIORITY_MIN && value <= PRIORITY_MAX) return null;
  return `priority must be a whole number from ${PRIORITY_MIN} to ${PRIORITY_MAX} (higher starts first; default ${DEFAULT_PRIORITY}), got ${JSON.stringify(value) ?? String(value)}`;
}
