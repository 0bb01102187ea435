import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Agent } from './agent.js';
import { BlenderRunner } from './runners/blender.js';
import { CommandRunner } from './runners/command.js';
import { OpenjdRunner } from './runners/openjd.js';
import { PlenoxelsRunner } from './runners/plenoxels.js';

/**
 * Entry point of one agent, started by srun on a compute node (one per GPU). Everything it needs
 * comes from the environment the allocation script and Slurm set.
 */
async function main(): Promise<number> {
  const env = process.env;
  const need = (k: string) => {
    const v = env[k];
    if (!v) throw new Error(`${k} is not set: agents are started by the allocation script`);
    return v;
  };
  const token = readFileSync(need('CT_AGENT_TOKEN_FILE'), 'utf8').trim();
  const gpu = env.CUDA_VISIBLE_DEVICES ?? env.SLURM_STEP_GPUS ?? env.SLURM_LOCALID ?? '0';
  const agent = new Agent({
    coordinatorUrl: need('CT_COORDINATOR_URL'),
    token,
    jobId: need('CT_JOB_ID'),
    node: env.SLURMD_NODENAME ?? os.hostname(),
    gpu,
    slurmJobId: Number(env.SLURM_JOB_ID ?? 0),
    runners: [
      new BlenderRunner({ threads: Number(env.CT_BLENDER_THREADS ?? 1) || 1 }),
      new PlenoxelsRunner(),
      new CommandRunner(),
      new OpenjdRunner(),
    ],
  });
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => process.exit(143));
  await agent.run();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`agent: ${err.message}\n`);
    process.exit(1);
  },
);
