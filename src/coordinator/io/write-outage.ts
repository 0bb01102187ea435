/**
 * The coordinator's own disk refusing writes (full, read-only, failing): its trouble, not any
 * agent's or task's. While it lasts, writes fail and agents are told to try again; the silence
 * it causes is forgiven once writing works again, and `status` and the log say so meanwhile.
 */

const SQLITE_CODES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/;
const ERRNOS = new Set(['ENOSPC', 'EROFS', 'EIO', 'EDQUOT']);

/** Whether an error is the coordinator's storage refusing a write. */
export function isStorageFault(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (SQLITE_CODES.test(code) || ERRNOS.has(code));
}

export interface WriteOutageView {
  /** Epoch ms of the first write that failed. */
  since: number;
  /** What the storage said, e.g. `database or disk is full`. */
  reason: string;
}

/** Whether writes are failing now, and since when. */
export class WriteOutage {
  private view: WriteOutageView | null = null;

  constructor(private readonly log: (line: string) => void = () => {}) {}

  get current(): WriteOutageView | null {
    return this.view;
  }

  /** A write failed on storage: the outage starts (or goes on). */
  failed(err: unknown, now: number): void {
    if (this.view) return;
    const reason = err instanceof Error ? err.message : String(err);
    this.view = { since: now, reason };
    this.log(
      `cannot write the coordinator's state (${reason}): agents are told to try again, and nobody is judged silent until writing works again`,
    );
  }

  /** A write worked: the outage, if any, is over; returns how long it lasted. */
  ended(now: number): number | null {
    if (!this.view) return null;
    const gap = now - this.view.since;
    this.view = null;
    this.log(`writing the coordinator's state works again after ${Math.round(gap / 1000)} s`);
    return gap;
  }
}
