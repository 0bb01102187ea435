import { CliError } from '../../errors.js';

/** The Blender worker failed to start, died, or could not render a frame. */
export class BlenderWorkerError extends CliError {
  /** Blender's last output lines at the time of the failure, oldest first. */
  readonly logTail: string[];
  /** The frame being rendered, when the failure is about one. */
  readonly frame: number | undefined;
  constructor(message: string, opts: { logTail?: string[]; frame?: number } = {}) {
    super(message);
    this.logTail = opts.logTail ?? [];
    this.frame = opts.frame;
  }
}
