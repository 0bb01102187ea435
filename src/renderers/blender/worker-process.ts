import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { packagePath } from '../../paths.js';

/**
 * Starting the worker's Blender process, apart from talking to it (worker.ts): this module loads
 * in milliseconds, so an agent can start Blender before the rest of it has loaded.
 */

/** What starts one worker process. */
export interface BlenderProcessOptions {
  /** The .blend file to load. */
  scene: string;
  /** Blender render threads (`-t`); default 1. */
  threads?: number;
  /** `auto` (default): the GPU in CUDA_VISIBLE_DEVICES if Cycles finds one, else CPU. */
  device?: 'auto' | 'cpu' | 'gpu';
  /** Blender binary; default `blender` on PATH. */
  blender?: string;
  /** GPU the agent was given; default this process's CUDA_VISIBLE_DEVICES. */
  cudaVisibleDevices?: string;
}

/** How the process ended: its code or signal, or `error` when it could not be started. */
export interface ProcessEnd {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The spawn error's code (`ENOENT`: no such binary). */
  error?: string;
}

/** A started worker process; its output waits in the pipes until someone reads it. */
export interface BlenderProcess {
  child: ChildProcess;
  /** The scene it loads, absolute. */
  scene: string;
  /** Settles once, when the process has ended and its output is read to the end. */
  ended: Promise<ProcessEnd>;
}

/** Spawns `blender -b SCENE -P blender-python/worker.py` with its stdio piped. */
export function spawnBlenderProcess(o: BlenderProcessOptions): BlenderProcess {
  const scene = path.resolve(o.scene); // absolute, so it can never read as a flag
  const args = ['-b', '--factory-startup', scene, '-t', String(o.threads ?? 1)];
  args.push('-P', packagePath('blender-python', 'worker.py'));
  args.push('--', '--device', o.device ?? 'auto', '--scene', scene);
  const child = spawn(o.blender ?? 'blender', args, {
    stdio: 'pipe',
    // The worker dies with this process (see die_with_parent in worker.py).
    env: {
      ...process.env,
      CUDA_VISIBLE_DEVICES: o.cudaVisibleDevices ?? process.env.CUDA_VISIBLE_DEVICES,
      CT_PARENT_PID: String(process.pid),
    },
  });
  const ended = new Promise<ProcessEnd>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      // A process that never started has no close to wait for.
      if (child.pid === undefined)
        resolve({ exitCode: null, signal: null, error: err.code ?? err.message });
    });
    child.once('close', (exitCode, signal) => resolve({ exitCode, signal }));
  });
  // EPIPE after a crash; the end is reported through `ended`.
  child.stdin?.on('error', () => undefined);
  return { child, scene, ended };
}
