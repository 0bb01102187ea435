import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { signalAll } from '../../src/local/procs.js';
import { destroyNetwork } from './network.js';
import { pidsInNetns } from './proc.js';
import { runSteps } from './steps.js';
import { clusterSteps } from './steps-cluster.js';
import { userSteps } from './steps-user.js';
import { shotSteps } from './steps-shot.js';
import { R, LOG, USER, nodes, switchNs, state, sbin } from './context.js';

/*
 * The rehearsal: the user's whole path to a ParallelCluster cluster, on this machine. A head
 * node and two compute nodes laid out as ParallelCluster 3 lays them out, each in its own
 * network namespace and root; Slurm's daemons placed as on a cluster (slurmctld on the head
 * node, each slurmd inside its compute node, so what srun starts runs on that node); a real
 * S3-compatible server, reached from the nodes with the real AWS CLI; the generated bootstrap
 * scripts run as ParallelCluster runs them; the coordinator started from the unit they wrote;
 * and the user's side driving it with `--cluster` through the real AWS SDK, pointed at doubles
 * of EC2 DescribeInstances and SSM Run Command that run the scripts on the head node.
 */

async function tearDown(keep: boolean): Promise<void> {
  for (const c of state.cleanups.reverse()) {
    try {
      await c();
    } catch (err) {
      writeFileSync(LOG, `clean-up: ${(err as Error).message}\n`, { flag: 'a' });
    }
  }
  // Anything still running in a rehearsal namespace (an agent whose step outlived slurmd).
  for (const n of nodes) signalAll(pidsInNetns(n.ns), 'SIGKILL');
  await destroyNetwork([...nodes.map((n) => n.ns), switchNs], LOG);
  if (state.createdUser) sbin('userdel', [USER]);
  if (!keep) rmSync(R, { recursive: true, force: true });
}

async function main(): Promise<void> {
  mkdirSync(path.join(R, 'logs'), { recursive: true });
  process.stdout.write(`rehearsal in ${R} (log: ${LOG})\n`);
  let report: Awaited<ReturnType<typeof runSteps>> | undefined;
  const onSignal = () => void tearDown(true).then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    report = await runSteps([...clusterSteps, ...userSteps, ...shotSteps], LOG);
  } finally {
    await tearDown(Boolean(report?.failed) || process.env.KEEP_REHEARSAL === '1');
  }
  if (report.failed) process.stdout.write(`(kept ${R} for a look)\n`);
  process.exitCode = report.failed ? 1 : 0;
}

await main();
