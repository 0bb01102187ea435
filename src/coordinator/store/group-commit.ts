interface Pending {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: the writes that arrive in one turn of the event loop (thousands of agents
 * reporting at once) share one transaction, and each caller is answered once that transaction
 * has committed, so nothing is acknowledged before it is durable. Each write runs in a
 * savepoint of its own: one that throws is undone alone and only its caller sees the error.
 * A commit costs far more than the statements of one write, so this is what lets one
 * coordinator keep up with many agents.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  /** `transaction` runs a function in a transaction; nested calls must become savepoints. */
  constructor(private readonly transaction: <T>(fn: () => T) => T) {}

  /** Runs `fn` in the next shared transaction; resolves with its value once that committed. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
    try {
      this.transaction(() => {
        for (const p of batch) {
          try {
            outcomes.push({ ok: true, value: this.transaction(p.fn) });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      // The commit itself failed: nothing of the batch is stored.
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (o?.ok) p.resolve(o.value);
      else p.reject(o?.err);
    });
  }
}
