import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnDetached } from '../../src/process/run.js';
import { callApi } from '../../src/api/http-client.js';
import { readAddress, readToken } from '../../src/coordinator/state-dir.js';
import type { JobDetail } from '../../src/api/types.js';
import { isAlive } from '../../src/local/procs.js';
import { isJobActive, type SlurmClient } from '../../src/slurm/client.js';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const BIN = fileURLToPath(new URL('../../bin/cluster-tool.js', import.meta.url));

/** A job that is over: succeeded, failed or cancelled. For `waitFor`. */
export const ended = (j: JobDetail): boolean => j.state !== 'running' && j.state !== 'queued';

/** A coordinator started as its own process (so a test can SIGKILL it), on a free port. */
export class CoordinatorProcess {
  pid = 0;
  constructor(
    readonly stateDir: string,
    readonly slurmConf: string,
    readonly extraArgs: string[] = [],
    readonly env: Record<string, string> = {},
  ) {}

  /**
   * The first start picks a free port; a restart keeps it, as a real coordinator's fixed port does
   * (`listen` names it when the last one left no address behind, as a SIGTERM does).
   */
  async start(listenAt?: string): Promise<void> {
    const previous = readAddress(this.stateDir);
    const before = previous?.startedAt ?? 0;
    const listen =
      listenAt ?? (previous ? `127.0.0.1:${new URL(previous.url).port}` : '127.0.0.1:0');
    this.pid = spawnDetached(
      process.execPath,
      [
        BIN,
        'coordinator',
        'start',
        '--listen',
        listen,
        '--state-dir',
        this.stateDir,
        '--slurm-conf',
        this.slurmConf,
        '--partition',
        'gpu',
        ...this.extraArgs,
      ],
      {
        logFile: path.join(
          path.dirname(this.stateDir),
          `coordinator-${path.basename(this.stateDir)}.log`,
        ),
        env: { ...process.env, SLURM_CONF: this.slurmConf, ...this.env },
      },
    );
    for (let i = 0; i < 150; i++) {
      const a = readAddress(this.stateDir);
      if (a && a.pid === this.pid && a.startedAt >= before) return;
      if (!isAlive(this.pid)) break;
      await sleep(100);
    }
    throw new Error(`coordinator did not start; see ${path.dirname(this.stateDir)}`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    process.kill(this.pid, signal);
  }

  async stop(): Promise<void> {
    if (!this.pid || !isAlive(this.pid)) return;
    this.kill('SIGTERM');
    for (let i = 0; i < 100 && isAlive(this.pid); i++) await sleep(100);
  }

  async api<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    const a = readAddress(this.stateDir);
    const token = readToken(this.stateDir);
    if (!a || !token) throw new Error('coordinator not started');
    const r = await callApi<T>(a.url, token, method, route, body);
    return r.data as T;
  }

  async waitFor(
    jobId: string,
    pred: (j: JobDetail) => boolean,
    timeoutMs = 600_000,
  ): Promise<JobDetail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const j = await this.api<JobDetail>('GET', `/api/jobs/${jobId}`).catch(() => undefined);
      if (j && pred(j)) return j;
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting on job ${jobId}: ${JSON.stringify(j?.progress)} ${j?.state} ${j?.error ?? ''}`,
        );
      await sleep(250);
    }
  }
}

/** Pids of the agent processes of a coordinator job (found by their environment). */
export function agentPids(stateDir: string, jobId: string): number[] {
  const pids: number[] = [];
  for (const e of readdirSync('/proc')) {
    const pid = Number(e);
    if (!Number.isInteger(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('dist/agent/main.js')) continue;
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (
        env.includes(`CT_AGENT_TOKEN_FILE=${path.join(stateDir, 'jobs', jobId, 'agent.token')}`) &&
        isAlive(pid)
      )
        pids.push(pid);
    } catch {
      // gone
    }
  }
  return pids;
}

/** Waits until no coordinator allocation (`ct-…-primary|attached`) is active; throws after 20 s. */
export async function noAllocationLeft(slurm: SlurmClient): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const ours = (await slurm.squeue()).filter((j) => /-(primary|attached)$/.test(j.name));
    // A cancelled job reads CANCELLED while its nodes still complete: wait for those too, so the
    // next test starts on free nodes.
    const completing = (await slurm.nodes()).some(
      (n) => n.state === 'completing' || n.flags.includes('COMPLETING'),
    );
    if (!ours.some(isJobActive) && !completing) return;
    await sleep(200);
  }
  throw new Error('a Slurm allocation was left behind');
}

/**
 * A test file's afterAll: stops its coordinator, cancels any Slurm job of ours it left behind and
 * removes its directory (kept with KEEP_TEST_CLUSTER, to look at afterwards).
 */
export async function cleanUp(
  slurm: SlurmClient,
  root: string,
  coord: CoordinatorProcess | undefined,
): Promise<void> {
  await coord?.stop();
  const ours = (await slurm.squeue()).filter((j) => j.name.startsWith('ct-') && isJobActive(j));
  await slurm.scancel(ours.map((j) => j.jobId)).catch(() => {});
  if (!process.env.KEEP_TEST_CLUSTER) rmSync(root, { recursive: true, force: true });
}
