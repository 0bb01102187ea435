import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { AgentsTable } from '../store/tables/agents.js';
import type { JobRow } from '../store/types.js';
import { releaseMarks, type Release } from './release-lines.js';

/** What `GET /api/jobs/:id/logs` answers: the files read and their last lines. */
export interface JobLogs {
  agent: string | undefined;
  files: string[];
  lines: string[];
  /**
   * Beside each line of the Slurm output, the release that printed it (`released node3 by scale
   * --remove at …`), else null; absent for an agent's log.
   */
  released?: (string | null)[];
}

/**
 * The last `tail` lines (200 if not given) of a job's logs: one agent's log when `agent` names
 * one of the job's agents, else the Slurm allocations' output (`slurm-*`), each line marked
 * with the release among `releases` that printed it, if one did.
 */
export function jobLogs(
  agents: Pick<AgentsTable, 'get'>,
  job: Pick<JobRow, 'id' | 'dir'>,
  q: { agent?: string; tail?: number },
  releases: readonly Release[] = [],
): JobLogs {
  const logs = path.join(job.dir, 'logs');
  const tail = q.tail || 200;
  const files = existsSync(logs) ? readdirSync(logs).sort() : [];
  let chosen: string[];
  if (q.agent) {
    const agent = agents.get(q.agent);
    if (!agent || agent.jobId !== job.id)
      throw new UsageError(`no agent ${q.agent} in job ${job.id}`);
    chosen = files.filter((f) => f === `agent-${agent.node}-${agent.gpu}.log`);
  } else chosen = files.filter((f) => f.startsWith('slurm-'));
  const lines = chosen.flatMap((f) =>
    readFileSync(path.join(logs, f), 'utf8').split('\n').filter(Boolean),
  );
  if (q.agent) return { agent: q.agent, files: chosen, lines: lines.slice(-tail) };
  const released = releaseMarks(lines, releases);
  return {
    agent: q.agent,
    files: chosen,
    lines: lines.slice(-tail),
    released: released.slice(-tail),
  };
}
