import type { StateCounts } from '../store/tables/state-counts.js';
import { familyText, Histogram, type Family } from './prometheus.js';

const COUNTED = [
  ['jobs', 'Jobs'],
  ['tasks', 'Tasks'],
  ['agents', 'Agents'],
] as const;

/**
 * What `GET /metrics` shows: jobs, tasks and agents by state (counted in SQLite when scraped),
 * leases handed out (the attempts table: it survives a restart), job-end messages waiting, the
 * time each lease decision took and how long Slurm's commands take (in memory since the start).
 */
export class FarmMetrics {
  readonly leaseDecision = new Histogram(
    'cluster_tool_lease_decision_seconds',
    'Time the coordinator took to decide and record a lease that handed an agent a task.',
  );
  readonly slurmCalls = new Histogram(
    'cluster_tool_slurm_command_seconds',
    "Time Slurm's commands took, by command and outcome.",
  );

  constructor(
    private readonly counts: Pick<StateCounts, 'byState' | 'leases'>,
    private readonly pendingNotices: () => number,
  ) {}

  text(): string {
    const families: Family[] = COUNTED.map(([table, what]) => ({
      name: `cluster_tool_${table}`,
      help: `${what} by state.`,
      type: 'gauge',
      samples: this.counts.byState(table).map((r) => ({ labels: { state: r.state }, value: r.n })),
    }));
    families.push(
      {
        name: 'cluster_tool_leases_total',
        help: 'Leases handed out (task attempts started) since the database was made.',
        type: 'counter',
        samples: [{ value: this.counts.leases() }],
      },
      {
        name: 'cluster_tool_notices_pending',
        help: 'Job-end messages (--notify) waiting to be delivered.',
        type: 'gauge',
        samples: [{ value: this.pendingNotices() }],
      },
    );
    return [...families.map(familyText), this.leaseDecision.text(), this.slurmCalls.text()].join(
      '',
    );
  }
}
