import type { Sql } from '../../sql.js';
import type { CostliestFirst, TaskRow } from '../../types.js';

type Place = Pick<TaskRow, 'jobId' | 'stage' | 'seq'>;

/**
 * A costliest-first stage's estimates in the queue (scheduler/lease-order.ts decides the order
 * and hands down its stride and tiers): what a lease and a finished task tell the queued tasks
 * near them.
 */
export class Estimates {
  constructor(private readonly sql: Sql) {}

  /**
   * What a lease tells the queued tasks near it: those within the stride (in seq) that it is
   * now the nearest leased or finished task to, or as near as the one their estimate came from,
   * are not measured until it finishes (a costly task may be running there), so they go before
   * the estimated ones. Samples keep their place.
   */
  leasedNear(task: Place, { stride, tiers }: CostliestFirst): void {
    this.sql
      .q(
        `UPDATE tasks SET lease_tier = @unmeasured, lease_key = 0, lease_from = abs(seq - @seq)
         WHERE job_id = @jobId AND stage = @stage AND state = 'queued'
           AND seq BETWEEN @seq - @stride AND @seq + @stride AND seq != @seq
           AND lease_tier != @sample AND (lease_from IS NULL OR abs(seq - @seq) <= lease_from)`,
      )
      .run({ ...tiers, jobId: task.jobId, stage: task.stage, seq: task.seq, stride });
  }

  /**
   * What a finished task's cost tells the queued tasks near it: each within the stride (in seq)
   * that is not a sample takes `seconds` as its estimate, unless a nearer task gave it one (at
   * the same distance, the costlier estimate stands, and a measured one over a lease's).
   */
  finishedNear(task: Place, seconds: number, { stride, tiers }: CostliestFirst): void {
    this.sql
      .q(
        `UPDATE tasks SET lease_tier = @estimated, lease_key = @key, lease_from = abs(seq - @seq)
         WHERE job_id = @jobId AND stage = @stage AND state = 'queued'
           AND seq BETWEEN @seq - @stride AND @seq + @stride
           AND lease_tier != @sample
           AND (lease_from IS NULL OR abs(seq - @seq) < lease_from
                OR (abs(seq - @seq) = lease_from
                    AND (lease_tier = @unmeasured OR @key < lease_key)))`,
      )
      .run({
        ...tiers,
        key: -seconds,
        jobId: task.jobId,
        stage: task.stage,
        seq: task.seq,
        stride,
      });
  }
}
