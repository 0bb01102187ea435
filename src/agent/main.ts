import { readFileSync } from 'node:fs';
import os from 'node:os';
import { agentGpu, stamped, startEarly } from './early-start.js';
import { agentRunners } from './agent-runners.js';

/**
 * Entry point of one agent, started by srun on a compute node (one per GPU). Everything it needs
 * comes from the environment the allocation script and Slurm set. Only early-start.ts is loaded
 * before Blender starts; the rest of the agent loads while it does, each runner on first use.
 */
async function main(): Promise<number> {
  const env = process.env;
  const need = (k: string) => {
    const v = env[k];
    if (!v) throw new Error(`${k} is not set: agents are started by the allocation script`);
    return v;
  };
  const token = readFileSync(need('CT_AGENT_TOKEN_FILE'), 'utf8').trim();
  const coordinatorUrl = need('CT_COORDINATOR_URL');
  const jobId = need('CT_JOB_ID');
  const gpu = agentGpu(env);
  const threads = Number(env.CT_BLENDER_THREADS ?? 1) || 1;
  const early = startEarly(env, { gpu, threads, log: stamped });
  const runners = agentRunners({ threads, early: early?.blender });
  const { Agent } = await import('./agent.js');
  const loadedAtMs = performance.now();
  const agent = new Agent({
    coordinatorUrl,
    token,
    jobId,
    node: env.SLURMD_NODENAME ?? os.hostname(),
    gpu,
    slurmJobId: Number(env.SLURM_JOB_ID ?? 0),
    warmUp: early?.warmUp,
    runners,
    log: stamped,
    loadedAtMs,
  });
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => process.exit(143));
  await agent.run();
  return 0;
}

// A log that cannot be written (a full disk under it) is reported by the stream, not thrown:
// without a listener that report would end the agent.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`agent: ${err.message}\n`);
    process.exit(1);
  },
);
