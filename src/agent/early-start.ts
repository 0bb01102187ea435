import path from 'node:path';
import type { WarmUp } from '../api/agent-protocol.js';
import { spawnBlenderProcess, type BlenderProcess } from '../renderers/blender/worker-process.js';
import { BLENDER_KINDS } from './runners/blender-kinds.js';

/**
 * The first thing an agent does, before the rest of it has loaded (about 0.3 s of modules): start
 * the Blender its job's first tasks need. Blender's start (about a second) is the longest part of
 * an agent's; begun here, it overlaps loading, registering and leasing. Only light modules may be
 * imported here.
 */

/** What the allocation script said the job's agents load first, and the Blender started for it. */
export interface EarlyStart {
  warmUp: WarmUp;
  blender?: BlenderProcess;
}

/** One log line as the agent writes them: time, then text. */
export function stamped(line: string): void {
  // srun hands the agent its log file as stdout, where a write is synchronous: on a full disk it
  // throws, and a lost log line must not end the agent and its allocation with it.
  try {
    process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  } catch {
    // the line is lost; the work goes on
  }
}

/** The GPU this agent was given (srun's --gpus-per-task sets CUDA_VISIBLE_DEVICES). */
export function agentGpu(env: NodeJS.ProcessEnv): string {
  return env.CUDA_VISIBLE_DEVICES ?? env.SLURM_STEP_GPUS ?? env.SLURM_LOCALID ?? '0';
}

function isWarmUp(v: unknown): v is WarmUp {
  const w = v as Partial<WarmUp> | null;
  return (
    typeof w === 'object' &&
    w !== null &&
    typeof w.kind === 'string' &&
    typeof w.payload === 'object' &&
    w.payload !== null &&
    !Array.isArray(w.payload)
  );
}

/**
 * Reads `CT_WARM_UP` (the warm-up the registration would name, as JSON) and, for a Blender kind
 * with an absolute scene, starts Blender on it. Anything else starts nothing: the registration's
 * warm-up, or the first task, starts it as before. The payload is checked in full where it is used.
 */
export function startEarly(
  env: NodeJS.ProcessEnv,
  o: { gpu: string; threads: number; log: (line: string) => void },
): EarlyStart | undefined {
  const raw = env.CT_WARM_UP;
  if (!raw) return undefined;
  let warmUp: unknown;
  try {
    warmUp = JSON.parse(raw);
  } catch {
    warmUp = undefined;
  }
  if (!isWarmUp(warmUp)) {
    o.log('CT_WARM_UP is not a warm-up ({"kind", "payload"} as JSON); starting nothing early');
    return undefined;
  }
  const scene = warmUp.payload.scene;
  const blenderKind = (BLENDER_KINDS as readonly string[]).includes(warmUp.kind);
  if (!blenderKind || typeof scene !== 'string' || !path.isAbsolute(scene)) return { warmUp };
  const blender = spawnBlenderProcess({
    scene,
    threads: o.threads,
    cudaVisibleDevices: o.gpu || undefined,
  });
  o.log(
    `warming up ${warmUp.kind}: Blender started before registering (pid ${blender.child.pid ?? '?'})`,
  );
  return { warmUp, blender };
}

/**
 * Where an agent's start went, for its log: the process's start (wall time), its modules loaded,
 * and its registration answered, in ms since that start.
 */
export function startTimes(loadedAtMs: number | undefined): string {
  const started = new Date(performance.timeOrigin).toISOString();
  const loaded = loadedAtMs === undefined ? '' : `modules loaded at ${Math.round(loadedAtMs)} ms, `;
  return ` (process started ${started}; ${loaded}registered at ${Math.round(performance.now())} ms)`;
}
