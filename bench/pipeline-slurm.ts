import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderTemplate } from '../src/templates/render.js';
import type { BenchCluster } from './bench-cluster.js';
import { BenchError } from './errors.js';
import { dnnSteps, type DnnShape } from './pipeline-template.js';
import { logTails, waitForJobsNamed } from './slurm-jobs.js';

const LEG = 'pipeline (Slurm chain)';

/**
 * The DNN as a user would chain it with Slurm alone: one sbatch per step (prepare, each layer,
 * categories), each `--dependency=afterok` on the one before, all submitted up front; a layer's
 * job runs one srun task per batch, one per node. Returns when the last job has ended.
 */
export async function dnnAsSlurmChain(
  bench: BenchCluster,
  s: DnnShape,
  o: { work: string; script: string; python: string; timeoutMs: number },
): Promise<{ submittedAt: number; jobs: number }> {
  const jobsDir = path.join(bench.cluster.dir, 'bench-dnn');
  mkdirSync(jobsDir, { recursive: true });
  mkdirSync(o.work, { recursive: true });
  const name = `ct-bench-dnn-${Date.now()}`;
  const client = bench.cluster.client(30_000);
  const steps = dnnSteps(s, o.work).map((step, i) => {
    const scriptPath = path.join(jobsDir, `${name}-${i}.sbatch`);
    writeFileSync(
      scriptPath,
      renderTemplate('bench/templates/dnn-step.sbatch.hbs', {
        step: step.name,
        argv: [o.python, o.script, ...step.argv],
        batches: step.perBatch ? s.batches : 0,
      }),
      { mode: 0o700 },
    );
    const nodes = step.perBatch ? s.batches : 1;
    return { scriptPath, nodes, output: path.join(jobsDir, `${name}-${i}.out`) };
  });
  const submittedAt = Date.now();
  let previous: number | undefined;
  for (const step of steps) {
    const args = [
      `--nodes=${step.nodes}`,
      `--ntasks=${step.nodes}`,
      '--gres=gpu:1',
      '--exclusive',
      '--time=60',
      `--job-name=${name}`,
      `--output=${step.output}`,
      ...(previous === undefined
        ? []
        : [`--dependency=afterok:${previous}`, '--kill-on-invalid-dep=yes']),
    ];
    previous = await client.sbatch({ scriptPath: step.scriptPath, args });
  }
  const states = await waitForJobsNamed(client, name, { leg: LEG, timeoutMs: o.timeoutMs });
  const failed = states.filter((x) => x.state !== 'COMPLETED');
  if (failed.length)
    throw new BenchError(
      LEG,
      `Slurm jobs did not complete: ${failed.map((x) => `${x.jobId} ${x.state}`).join(', ')}`,
      logTails(jobsDir, name),
    );
  return { submittedAt, jobs: steps.length };
}
