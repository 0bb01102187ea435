/** A leased task as the agent receives it. */
export interface LeasedTask {
  id: number;
  kind: string;
  stage: string;
  frames: number[];
  payload: Record<string, unknown>;
  jobDir: string;
}

export interface RunContext {
  /** GPU index as Slurm gave it (CUDA_VISIBLE_DEVICES), '' when none. */
  gpu: string;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** Thrown by a runner when a task fails; `tail` is the renderer's last output lines. */
export class TaskFailure extends Error {
  constructor(
    message: string,
    readonly tail: string[] = [],
  ) {
    super(message);
  }
}

/**
 * What a renderer plugs into the agent: it runs tasks of the kinds it names and may keep state
 * (a loaded Blender) between them. `close` ends whatever it keeps.
 */
export interface TaskRunner {
  readonly kinds: readonly string[];
  run(task: LeasedTask, ctx: RunContext): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}
