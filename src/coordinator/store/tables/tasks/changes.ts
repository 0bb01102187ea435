/**
 * How many writes changed each job's tasks. A count taken at one number still holds while the
 * number stands, so a long history of finished jobs is not recounted on every listing.
 */
export class JobChanges {
  private readonly n = new Map<string, number>();

  /** A write changed this job's tasks. */
  bump(jobId: string): void {
    this.n.set(jobId, this.of(jobId) + 1);
  }

  of(jobId: string): number {
    return this.n.get(jobId) ?? 0;
  }
}
