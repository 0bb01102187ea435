import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../errors.js';
import { runCommand } from '../process/run.js';
import type { SlurmNode } from '../slurm/client.js';
import type { DaemonSpec } from './daemons.js';
import type { LocalCluster } from './local-cluster.js';
import { pidFileProcess, tailLines } from './procs.js';

/**
 * Starts one daemon (it goes to the background by itself), waits for the pid it writes, and
 * records that process by pid and start time, so `down` stops it and nothing that later reuses
 * its pid. Returns the pid.
 */
export async function startDaemon(
  cluster: LocalCluster,
  d: DaemonSpec,
  env?: Record<string, string | undefined>,
): Promise<number> {
  if (d.program === 'munged' && !existsSync(cluster.layout.mungeKey))
    writeFileSync(cluster.layout.mungeKey, randomBytes(1024), { mode: 0o600 });
  const [viaFile, ...viaArgs] = d.via ?? [];
  const file = viaFile ?? d.program;
  const args = viaFile ? [...viaArgs, d.program, ...d.args] : d.args;
  await runCommand(file, args, { env, timeoutMs: 30_000 }).catch((err: Error) => {
    throw new CliError(
      `${d.program} did not start: ${err.message}\n${tailLines(d.log, 8).join('\n')}`,
    );
  });
  // The daemon's child writes the pid file, possibly just after its parent has returned.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pid = pidFileProcess(d.pidFile, d.program, d.ownArg);
    if (pid !== undefined && cluster.started.record(d.role, pid)) return pid;
    if (Date.now() > deadline)
      throw new CliError(
        `${d.program} started but is not running (no live ${d.program} in ${d.pidFile}). Its log (${d.log}):\n` +
          tailLines(d.log, 8).join('\n'),
      );
    await sleep(100);
  }
}

function describeFailure(
  cluster: LocalCluster,
  nodes: SlurmNode[] | undefined,
  names: string[],
): string {
  const l = cluster.layout;
  const lines = [
    nodes
      ? `node states: ${nodes.map((n) => `${n.name}=${n.state}${n.flags.length ? `+${n.flags.join('+')}` : ''}`).join(', ')}`
      : 'slurmctld did not answer',
    `slurmctld log (${l.ctldLog}):`,
    ...tailLines(l.ctldLog, 8, /error|fatal|invalid/i).map((s) => `  ${s}`),
  ];
  for (const n of names) {
    const errs = tailLines(l.slurmdLog(n), 3, /error|fatal/i);
    if (errs.length) lines.push(`slurmd ${n} log:`, ...errs.map((s) => `  ${s}`));
  }
  return lines.join('\n');
}

/** Waits until every node is idle (or allocated: jobs may already run after a restart). */
export async function waitForNodes(
  cluster: LocalCluster,
  names: string[],
  timeoutMs: number,
): Promise<SlurmNode[]> {
  const client = cluster.client(5_000);
  const deadline = Date.now() + timeoutMs;
  let last: SlurmNode[] | undefined;
  for (;;) {
    try {
      last = await client.nodes();
      const ready = names.every((n) => {
        const node = last?.find((x) => x.name === n);
        return (
          node &&
          ['idle', 'allocated', 'mixed'].includes(node.state) &&
          !node.flags.includes('NOT_RESPONDING')
        );
      });
      if (ready) return last;
    } catch {
      // slurmctld may not answer for its first second
    }
    if (Date.now() > deadline) {
      throw new CliError(
        `the local cluster did not become ready within ${Math.round(timeoutMs / 1000)} s.\n${describeFailure(cluster, last, names)}`,
      );
    }
    await sleep(200);
  }
}
