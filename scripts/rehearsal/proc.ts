import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readdirSync, readlinkSync, statSync } from 'node:fs';

/** What a command printed and how it ended. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a command without blocking this process (its servers answer meanwhile), appending the
 * command line and its output to `log`.
 */
export function run(
  file: string,
  args: readonly string[],
  o: { env?: NodeJS.ProcessEnv; timeoutMs?: number; log: string; cwd?: string },
): Promise<Ran> {
  appendFileSync(o.log, `\n$ ${[file, ...args].join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      env: o.env ?? process.env,
      cwd: o.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), appendFileSync(o.log, d)));
    child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), appendFileSync(o.log, d)));
    const timer = setTimeout(
      () => ((timedOut = true), child.kill('SIGKILL')),
      o.timeoutMs ?? 300_000,
    );
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: stderr + err.message, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      appendFileSync(o.log, `(exit ${code ?? 'signal'}${timedOut ? ', timed out' : ''})\n`);
      resolve({ code: code ?? 1, stdout, stderr, timedOut });
    });
  });
}

/** Starts a long-lived command with its output in `logFile`; returns its pid. */
export function startDetached(
  file: string,
  args: readonly string[],
  logFile: string,
  env?: NodeJS.ProcessEnv,
): number {
  const fd = openSync(logFile, 'a', 0o600);
  const child = spawn(file, args, {
    env: env ?? process.env,
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  child.unref();
  return child.pid ?? 0;
}

/** Pids of every process whose network namespace is the one `ip netns` calls `name`. */
export function pidsInNetns(name: string): number[] {
  let target: string;
  try {
    // `ip netns` bind-mounts the namespace here; /proc/PID/ns/net names it `net:[INODE]`.
    target = `net:[${statSync(`/run/netns/${name}`).ino}]`;
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const e of readdirSync('/proc')) {
    const pid = Number(e);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) === target) pids.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}
