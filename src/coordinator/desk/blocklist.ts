import { UsageError } from '../../errors.js';
import type { Actor, RecordFn } from '../history.js';
import type { AgentsTable } from '../store/tables/agents.js';
import type { TasksTable } from '../store/tables/tasks/tasks-table.js';
import type { JobRow } from '../store/types.js';

/** What clearing a job's blocklist needs. */
export interface BlocklistPorts {
  store: {
    agents: Pick<AgentsTable, 'list' | 'update'>;
    tasks: Pick<TasksTable, 'forgetAgents'>;
  };
  record: RecordFn;
  /** Asks for the nodes the job wants and holds no more (Scaler.growBack). */
  growBack: (jobId: string, actor: Actor, why: string) => Promise<number>;
}

/**
 * Clears a job's blocklist. A blocklisted agent is told to exit at its next lease, so it has
 * usually gone, and with it its node job: there is no agent to let back in. Clearing means the
 * job forgets those agents (each is `gone`, no longer `blocked`) and the tasks they failed (any
 * agent may take them again, a new agent on the same node included); a job that holds fewer
 * nodes than it wants (its node job ended with the agent) asks Slurm for them again, so it may
 * grow onto that node again. Returns the agents cleared.
 */
export async function clearBlocklist(
  p: BlocklistPorts,
  job: JobRow,
  actor: Actor,
): Promise<string[]> {
  const blocked = p.store.agents.list(job.id).filter((a) => a.state === 'blocked');
  if (!blocked.length) throw new UsageError(`job ${job.id} has no blocklisted agent`);
  const ids = blocked.map((a) => a.id);
  for (const id of ids) p.store.agents.update(id, { state: 'gone' });
  p.store.tasks.forgetAgents(ids);
  const nodes = [...new Set(blocked.map((a) => a.node))];
  p.record(
    job.id,
    'agent:cleared',
    actor,
    `blocklist cleared: ${ids.length} agent(s) on ${nodes.join(',')} forgotten with the tasks they failed`,
    { agentIds: ids },
  );
  if (job.state === 'running' && job.suspendedAt == null)
    await p.growBack(job.id, actor, 'blocklist cleared');
  return ids;
}
