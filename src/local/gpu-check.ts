import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderTemplate } from '../templates/render.js';
import type { LocalCluster } from './cluster.js';

/** Submits a job that spans every node with one task per GPU and returns what each task printed. */
export async function runGpuCheck(
  cluster: LocalCluster,
  log: (s: string) => void,
): Promise<string[]> {
  const record = cluster.record();
  if (!record) throw new Error('no cluster record');
  const gpus = Math.max(1, record.gpusPerNode);
  const jobsDir = path.join(cluster.dir, 'jobs');
  mkdirSync(jobsDir, { recursive: true });
  const stamp = Date.now();
  const scriptPath = path.join(jobsDir, `gpu-check-${stamp}.sbatch`);
  const outPath = path.join(jobsDir, `gpu-check-${stamp}.out`);
  writeFileSync(
    scriptPath,
    renderTemplate('slurm/templates/gpu-check.sbatch.hbs', {
      gpusPerNode: gpus,
      label: 'cluster-tool GPU check',
    }),
    { mode: 0o700 },
  );
  const args = [
    `--nodes=${record.nodes}`,
    '--exclusive',
    ...(record.gpusPerNode > 0 ? [`--gres=gpu:${record.gpusPerNode}`] : []),
    '--time=5',
    '--job-name=ct-gpu-check',
    `--output=${outPath}`,
    '--wait',
  ];
  log(`sbatch ${args.join(' ')} ${scriptPath}`);
  await cluster.client(120_000).sbatch({ scriptPath, args });
  const lines = readFileSync(outPath, 'utf8').trim().split('\n');
  // srun --label prefixes the task number; order by it so the output reads node by node.
  return [lines[0] ?? '', ...lines.slice(1).sort((a, b) => parseInt(a) - parseInt(b))];
}
