import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

/** The first this many bytes are written as they come; past them only the last as many are kept. */
const HEAD_BYTES = 1024 * 1024;
const TAIL_BYTES = 1024 * 1024;

/**
 * One attempt's stdout and stderr, interleaved as they come, each line stamped like the agent's
 * own log (`<ISO time> err: …`) so the two read together. Written as it runs (a viewer or
 * `logs --follow` sees it live) up to a head; past that, the tail is kept and written at the end.
 */
export class TaskOutput {
  private readonly fd: number;
  private written = 0;
  private tail: string[] = [];
  private tailBytes = 0;
  private dropped = 0;
  private readonly errTail: string[] = [];
  private readonly lastTail: string[] = [];

  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.fd = openSync(file, 'wx', 0o600);
  }

  line(stream: 'stdout' | 'stderr', text: string): void {
    const entry = `${new Date().toISOString()} ${stream === 'stdout' ? 'out' : 'err'}: ${text}\n`;
    if (text.trim()) {
      this.lastTail.push(text);
      if (this.lastTail.length > 40) this.lastTail.shift();
    }
    if (stream === 'stderr' && text.trim()) {
      this.errTail.push(text);
      if (this.errTail.length > 40) this.errTail.shift();
    }
    if (this.written + entry.length <= HEAD_BYTES && this.tail.length === 0) {
      this.written += writeSync(this.fd, entry);
      return;
    }
    this.tail.push(entry);
    this.tailBytes += entry.length;
    while (this.tailBytes > TAIL_BYTES && this.tail.length > 1) {
      const gone = this.tail.shift() ?? '';
      this.tailBytes -= gone.length;
      this.dropped += gone.length;
    }
  }

  /** The last stderr lines (for a failure's message and tail). */
  lastErrors(n = 40): string[] {
    return this.errTail.slice(-n);
  }

  /** The last lines of both streams as they came (where a failure's cause may be named). */
  lastLines(n = 40): string[] {
    return this.lastTail.slice(-n);
  }

  /** Writes the kept tail and how it ended, and closes the file. */
  close(ending: string): void {
    if (this.dropped > 0)
      writeSync(this.fd, `… ${this.dropped} bytes of output left out (head and tail kept) …\n`);
    for (const entry of this.tail) writeSync(this.fd, entry);
    writeSync(this.fd, `${new Date().toISOString()} ${ending}\n`);
    closeSync(this.fd);
  }
}
