import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError, CommandError } from '../errors.js';
import { renderTemplate } from '../templates/render.js';
import type { LocalCluster } from './local-cluster.js';
import { nodeNames } from './options.js';

const JOB_NAME = 'ct-gpu-check';
const TIMEOUT_MS = 120_000;

const UNAVAILABLE = /DRAIN|COMPLETING|NOT_RESPONDING|RESERVED|MAINT|DOWN/;

// The check needs every GPU of every node: say at once which jobs hold them instead of waiting.
async function refuseBusyNodes(cluster: LocalCluster): Promise<void> {
  const client = cluster.client(10_000);
  const busy = (await client.nodes()).filter(
    (n) => n.state !== 'idle' || n.flags.some((f) => UNAVAILABLE.test(f)),
  );
  if (!busy.length) return;
  const jobs = (await client.squeue()).filter((j) => j.state === 'RUNNING');
  const held = busy.map((n) => {
    const by = jobs.filter((j) => j.nodes.includes(n.name)).map((j) => `job ${j.jobId} ${j.name}`);
    return `${n.name} ${n.state}${n.flags.length ? `+${n.flags.join('+').toLowerCase()}` : ''}${by.length ? ` (${by.join(', ')})` : ''}`;
  });
  throw new CliError(
    `local check needs every node idle, and these are not: ${held.join('; ')}. ` +
      'Wait for their jobs to end, or cancel them (scancel JOB, or `cluster-tool cancel JOB` for a job of the coordinator).',
  );
}

/** Submits a job that spans every node with one task per GPU and returns what each task printed. */
export async function runGpuCheck(
  cluster: LocalCluster,
  log: (s: string) => void,
): Promise<string[]> {
  const record = cluster.record();
  if (!record) throw new Error('no cluster record');
  await refuseBusyNodes(cluster);
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
    `--job-name=${JOB_NAME}`,
    `--output=${outPath}`,
    '--wait',
  ];
  log(`sbatch ${args.join(' ')} ${scriptPath}`);
  try {
    await cluster.client(TIMEOUT_MS).sbatch({ scriptPath, args });
  } catch (err) {
    if (!(err instanceof CommandError && err.timedOut)) throw err;
    // sbatch --wait gave up, but its job would still hold the queue: take it out.
    const client = cluster.client(10_000);
    const left = await client.squeue({ name: JOB_NAME }).catch(() => []);
    await client.scancel(left.map((j) => j.jobId)).catch(() => {});
    throw new CliError(
      `the check job did not finish within ${TIMEOUT_MS / 1000} s and was cancelled; ` +
        `see \`squeue\` and the slurmd logs in ${cluster.layout.logDir}`,
    );
  }
  const lines = readFileSync(outPath, 'utf8').trim().split('\n');
  // srun --label prefixes the task number; order by it so the output reads node by node.
  return [lines[0] ?? '', ...lines.slice(1).sort((a, b) => parseInt(a) - parseInt(b))];
}

/**
 * What the check's lines show, in one sentence: whether every node ran one task per GPU, each
 * with a GPU of its own. `ok` is false when a node is missing or two tasks shared a GPU.
 */
export function judgeGpuCheck(
  lines: readonly string[],
  shape: { nodes: number; gpusPerNode: number },
): { ok: boolean; verdict: string } {
  const seen = new Map<string, string[]>();
  for (const line of lines) {
    const m = /^\d+: (\S+) CUDA_VISIBLE_DEVICES=(\S+)$/.exec(line);
    if (m?.[1] && m[2]) seen.set(m[1], [...(seen.get(m[1]) ?? []), m[2]]);
  }
  const names = nodeNames(shape);
  if (shape.gpusPerNode === 0) {
    const ran = names.every((n) => seen.has(n));
    return {
      ok: ran,
      verdict: ran
        ? `OK: every node ran a task; no GPUs are configured (--gpus-per-node 0).`
        : `some nodes ran no task: ${names.filter((n) => !seen.has(n)).join(', ')}`,
    };
  }
  const wrong = names.filter((n) => {
    const gpus = seen.get(n) ?? [];
    return (
      gpus.length !== shape.gpusPerNode ||
      new Set(gpus).size !== gpus.length ||
      gpus.includes('none')
    );
  });
  return wrong.length
    ? {
        ok: false,
        verdict: `expected ${shape.gpusPerNode} tasks with a GPU each on every node, but ${wrong.join(', ')} differ; see the slurmd logs`,
      }
    : {
        ok: true,
        verdict: `OK: ${shape.nodes} node(s) × ${shape.gpusPerNode} GPU(s), each task got a GPU of its own from Slurm.`,
      };
}
