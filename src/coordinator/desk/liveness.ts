import type { EventLevel } from '../../api/events.js';
import { jobEnded, type RecordFn } from '../history.js';
import type { AgentsTable } from '../store/tables/agents.js';
import type { JobsTable } from '../store/tables/jobs.js';
import type { TasksTable } from '../store/tables/tasks/tasks-table.js';
import type { AgentRow } from '../store/types.js';
import type { Waiters } from '../waiters.js';

/** How long the coordinator waits on a silent lease or agent. */
export interface LivenessTimes {
  /** A lease not renewed for this long puts its task back. */
  leaseMs: number;
  /** An agent silent for this long is gone and its tasks go back. */
  agentTimeoutMs: number;
}

/** What judging agents by their silence needs. */
export interface LivenessPorts {
  store: {
    jobs: Pick<JobsTable, 'inState' | 'get'>;
    agents: Pick<AgentsTable, 'silentSince' | 'update' | 'touchLive'>;
    tasks: Pick<TasksTable, 'requeueLeased' | 'extendLeases'>;
  };
  waiters: Pick<Waiters, 'offer'>;
  record: RecordFn;
  times: LivenessTimes;
  now: () => number;
}

/**
 * Who is still there: when an agent was last heard from, which leases ran out, which agents
 * went silent too long (their tasks go back), and forgiving a silence that was the coordinator's.
 */
export class Liveness {
  constructor(private readonly p: LivenessPorts) {}

  /**
   * Notes that an agent was heard from. On the lease/complete hot path a write per request would
   * cost a commit each; a `lastSeen` up to a second old is as good against a 20 s timeout.
   */
  touch(agent: AgentRow): void {
    const now = this.p.now();
    if (now - agent.lastSeen < 1_000) return;
    this.p.store.agents.update(agent.id, { lastSeen: now });
    agent.lastSeen = now;
  }

  /**
   * The coordinator itself was not running for `gapMs` (paused, suspended, starved), or could not
   * write what agents told it: the agents' silence is its own, so every lease gets its full
   * length again and every agent counts as heard from now, before anything is judged by the clock.
   */
  forgiveGap(gapMs: number, why: 'stopped' | 'unwritable' = 'stopped'): void {
    const now = this.p.now();
    this.p.store.tasks.extendLeases(now + this.p.times.leaseMs);
    this.p.store.agents.touchLive(now);
    for (const job of this.p.store.jobs.inState('running'))
      this.p.record(
        job.id,
        'coordinator:resumed',
        'coordinator',
        `the coordinator ${why === 'stopped' ? 'did not run' : 'could not write its state'} for ${Math.round(gapMs / 1000)} s; leases extended and agents given time to call in`,
        { gapMs },
      );
  }

  /** Puts back tasks whose leases ran out and gives up on agents that went silent. */
  sweep(): void {
    const now = this.p.now();
    for (const t of this.p.store.tasks.requeueLeased({ expiredBefore: now }, now)) {
      this.p.record(
        t.jobId,
        'task:requeued',
        'coordinator',
        `task ${t.id} lease expired (agent ${t.agentId ?? '?'}); back in the queue`,
        { taskId: t.id },
      );
      this.p.waiters.offer(t.jobId, 1);
    }
    for (const a of this.p.store.agents.silentSince(now - this.p.times.agentTimeoutMs))
      this.drop(a, `silent for ${Math.round((now - a.lastSeen) / 1000)} s`);
  }

  /**
   * Marks an agent gone and hands its tasks back at once. Its going is worth a warning, unless
   * its job had ended or the caller says it is routine (`level`: its allocation ended).
   */
  drop(a: AgentRow, why: string, level?: EventLevel): void {
    this.p.store.agents.update(a.id, { state: 'gone' });
    const back = this.p.store.tasks.requeueLeased({ agentId: a.id }, this.p.now());
    this.p.record(
      a.jobId,
      'agent:gone',
      'coordinator',
      `agent ${a.id} gone (${why})${back.length ? `; ${back.length} task(s) back in the queue` : ''}`,
      { agentId: a.id },
      level ?? (jobEnded(this.p.store.jobs.get(a.jobId)) ? 'detail' : undefined),
    );
    if (back.length) this.p.waiters.offer(a.jobId, back.length);
  }
}
