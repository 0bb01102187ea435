import type { SlurmJob, SlurmNode } from '../../slurm/client.js';
import { table } from './table.js';

/** A plain table of nodes: name, state, GPUs used/total, CPUs, and which job holds each. */
export function formatNodeTable(
  nodes: readonly SlurmNode[],
  jobs: readonly SlurmJob[] = [],
): string {
  const rows = nodes.map((n) => {
    const holders = jobs
      .filter((j) => j.state === 'RUNNING' && j.nodes.includes(n.name))
      .map((j) => `${j.jobId}(${j.name})`);
    return [
      n.name,
      n.state + (n.flags.length ? `+${n.flags.join('+').toLowerCase()}` : ''),
      `${n.gpusUsed}/${n.gpus}`,
      `${n.allocCpus}/${n.cpus}`,
      holders.join(',') || '-',
    ];
  });
  const header = ['NODE', 'STATE', 'GPUS', 'CPUS', 'JOBS'];
  return table([header, ...rows]);
}
