import type { z } from 'zod';
import type { LeasedTask, TaskProgressReport } from '../api/agent-protocol.js';

export type { LeasedTask } from '../api/agent-protocol.js';

export interface RunContext {
  /** GPU index as Slurm gave it (CUDA_VISIBLE_DEVICES), '' when none. */
  gpu: string;
  /** The Slurm node the agent runs on (names its task output files). */
  node?: string;
  signal: AbortSignal;
  log: (line: string) => void;
  /** How far the task is now; the agent sends the latest with its next lease renewal. */
  progress?: (p: TaskProgressReport) => void;
}

/**
 * Thrown by a runner when a task fails; `tail` is the renderer's last output lines. `blame` is
 * `job` when any agent would fail the same way (the job's output cannot be written), so that the
 * coordinator pauses the job instead of holding it against this agent.
 */
export class TaskFailure extends Error {
  constructor(
    message: string,
    readonly tail: string[] = [],
    readonly blame: 'agent' | 'job' = 'agent',
  ) {
    super(message);
  }
}

const OUTPUT_ERRNO = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']);
const OUTPUT_MESSAGE =
  /permission denied|operation not permitted|no space left on device|read-only file system|disk quota exceeded/i;

/**
 * Whether an error says the output cannot be written (no permission, disk full, read-only):
 * the same on every agent of the job, so the job's fault rather than this agent's. `tail` is
 * the renderer's own output, for runners whose renderer reports it in words (Blender).
 */
export function isOutputFault(err: unknown, tail: readonly string[] = []): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && OUTPUT_ERRNO.has(code)) return true;
  const message = err instanceof Error ? err.message : String(err);
  return OUTPUT_MESSAGE.test(message) || tail.some((l) => OUTPUT_MESSAGE.test(l));
}

/**
 * What a renderer plugs into the agent: it runs tasks of the kinds it names and may keep state
 * (a loaded Blender) between them. `close` ends whatever it keeps.
 */
export interface TaskRunner {
  readonly kinds: readonly string[];
  run(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>>;
  /**
   * Loads what tasks of `kind` will need (the registration's warm-up: Blender's scene) while the
   * agent asks for its first task; `run` waits for it. A failure only costs the head start.
   */
  warmUp?(kind: string, payload: Record<string, unknown>, ctx: RunContext): Promise<void>;
  close(): Promise<void>;
}

/** A task's payload as its kind's schema says (the job type declares it), or a TaskFailure. */
export function payloadOf<T>(task: LeasedTask, schema: z.ZodType<T>): T {
  const r = schema.safeParse(task.payload);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.length ? ` ${issue.path.join('.')}` : '';
  throw new TaskFailure(
    `task ${task.id} (${task.kind}): payload${field}: ${issue?.message ?? 'invalid'}`,
  );
}
