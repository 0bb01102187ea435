import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { callApi } from '../../src/api/http-client.js';
import type { JobDetail, TaskView } from '../../src/api/types.js';
import { readAddress } from '../../src/coordinator/state-dir.js';
import { daemonEnv, slurmdSpec } from '../../src/local/daemons.js';
import { LocalCluster } from '../../src/local/local-cluster.js';
import { startDaemon, waitForNodes } from '../../src/local/start-daemons.js';
import { isAlive } from '../../src/local/procs.js';
import { countVideoFrames } from '../../src/renderers/blender/encode.js';
import { checkImageFile } from '../../src/renderers/blender/resume.js';
import { ensureSampleScene } from '../../src/renderers/blender/sample-scene.js';
import { SlurmClient } from '../../src/slurm/client.js';
import {
  agentPids,
  cleanUp,
  CoordinatorProcess,
  ended,
  noAllocationLeft,
} from '../helpers/coordinator.js';
import { makeTinyScene } from '../renderers/blender/tiny-scene.js';

// The fault matrix: each case breaks one thing while a real Blender job renders on the local
// cluster, and each must end the same way — every frame exactly once, whole, a video of that
// many frames, and no Slurm allocation left behind.

const slurmConf = inject('slurmConf');
const clusterDir = inject('clusterDir');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-faults-');
let tiny = '';
let sample = '';
let coord: CoordinatorProcess;

beforeAll(async () => {
  tiny = await makeTinyScene(root);
  sample = await ensureSampleScene(path.join(root, 'sample.blend'));
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, [
    '--lease-seconds',
    '5',
    '--agent-timeout-seconds',
    '8',
  ]);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const name = (f: number) => `frame_${String(f).padStart(4, '0')}.png`;

async function submit(body: Record<string, unknown>): Promise<JobDetail> {
  return coord.api<JobDetail>('POST', '/api/jobs', { kind: 'blender', ...body });
}

async function tasks(jobId: string): Promise<TaskView[]> {
  return (await coord.api<{ tasks: TaskView[] }>('GET', `/api/jobs/${jobId}/tasks?stage=render`))
    .tasks;
}

/** Waits until `pred` holds for the job (polling its detail), or fails after `ms`. */
async function until(jobId: string, pred: (j: JobDetail) => boolean, ms = 300_000) {
  return coord.waitFor(jobId, (j) => pred(j) || ended(j), ms);
}

/** The ending every case must reach. */
async function expectWhole(job: JobDetail, frames: number[]): Promise<void> {
  expect({ state: job.state, error: job.error }).toEqual({ state: 'succeeded', error: null });
  const files = readdirSync(job.outputDir).sort();
  expect(files.filter((f) => f.startsWith('.partial'))).toEqual([]);
  expect(files.filter((f) => f.endsWith('.png'))).toEqual(frames.map(name));
  for (const f of frames) {
    const check = await checkImageFile(path.join(job.outputDir, name(f)), 'PNG', undefined);
    expect({ frame: f, check }).toMatchObject({ frame: f, check: { whole: true } });
  }
  const done = (await tasks(job.id)).filter((t) => t.state === 'done').flatMap((t) => t.frames);
  expect(done.sort((a, b) => a - b)).toEqual(frames);
  expect(await countVideoFrames(path.join(job.dir, job.video ?? 'output/video.mp4'))).toBe(
    frames.length,
  );
  await noAllocationLeft(slurm);
}

const events = (j: JobDetail, type: string) => j.events.filter((e) => e.type === type);

/** Pids of Blender workers rendering `scene`. */
function blenderPids(scene: string): number[] {
  return readdirSync('/proc')
    .map(Number)
    .filter((pid) => {
      if (!Number.isInteger(pid)) return false;
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmd.startsWith('blender') && cmd.includes(scene) && cmd.includes('worker.py');
      } catch {
        return false;
      }
    });
}

/** The ffmpeg encoding into `dir` and its parent (the agent), if one runs. */
/**
 * The ffmpeg one of `agents` runs writing into `dir`, read from their children only: a scan of
 * every process in /proc can take longer, on a busy machine, than a short encode lives.
 */
function encoder(dir: string, agents: number[]): { pid: number; parent: number } | undefined {
  for (const parent of agents) {
    try {
      for (const task of readdirSync(`/proc/${parent}/task`)) {
        const children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8');
        for (const pid of children.split(' ').filter(Boolean).map(Number)) {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          if (cmd.startsWith('ffmpeg') && cmd.includes(dir)) return { pid, parent };
        }
      }
    } catch {
      // gone
    }
  }
  return undefined;
}

describe('the fault matrix on the local cluster with the real Blender', () => {
  it('loses nothing when an agent is SIGKILLed mid-job, and its Blender dies with it', async () => {
    const job = await submit({ scene: tiny, frames: '1-16', nodes: 2 });
    await until(job.id, (j) => j.progress.done >= 3);
    const pid = agentPids(coord.stateDir, job.id)[0];
    expect(pid).toBeTruthy();
    const children = blenderPids(tiny).filter((b) =>
      readFileSync(`/proc/${b}/status`, 'utf8').includes(`PPid:\t${pid}\n`),
    );
    process.kill(pid ?? 0, 'SIGKILL');
    await sleep(2_000);
    // The killed agent's Blender is gone too: nothing keeps rendering for nobody.
    expect(children.filter((b) => isAlive(b))).toEqual([]);
    await expectWhole(await coord.waitFor(job.id, ended), range(1, 16));
  });

  it('loses nothing when a Blender worker is SIGKILLed mid-frame', async () => {
    // Frame 17 of the tiny scene renders for many seconds: kill its Blender while it does. A
    // Blender killed while it still loads the scene (the agents start it on registering) costs
    // only that head start, so wait until the cheap frames beside it have landed: every Blender
    // has loaded by then.
    const job = await submit({ scene: tiny, frames: '14-20', nodes: 1 });
    let killed = 0;
    for (let i = 0; i < 600 && !killed; i++) {
      const all = await tasks(job.id);
      const t = all.find((x) => x.state === 'leased' && x.frames.includes(17));
      const loaded = all.some((x) => x.state === 'done');
      const pids = blenderPids(tiny);
      if (t && loaded && pids.length) {
        await sleep(1_000);
        for (const p of pids) process.kill(p, 'SIGKILL');
        killed = pids.length;
      } else await sleep(100);
    }
    expect(killed).toBeGreaterThan(0);
    const done = await coord.waitFor(job.id, ended);
    await expectWhole(done, range(14, 20));
    expect(events(done, 'task:failed').length).toBeGreaterThan(0);
  });

  it('loses nothing when the coordinator is SIGKILLed mid-job and started again', async () => {
    const job = await submit({ scene: tiny, frames: '1-16', nodes: 2 });
    await until(job.id, (j) => j.progress.done >= 3);
    coord.kill('SIGKILL');
    await sleep(1_500);
    await coord.start();
    const done = await coord.waitFor(job.id, ended);
    await expectWhole(done, range(1, 16));
    expect(done.allocations.filter((a) => a.role === 'primary')).toHaveLength(1);
  });

  it('keeps every agent and allocation when the coordinator is paused longer than its timeouts', async () => {
    const job = await submit({ scene: tiny, frames: '1-16', nodes: 2 });
    await until(job.id, (j) => j.progress.done >= 2);
    coord.kill('SIGSTOP');
    await sleep(12_000); // longer than the 5 s lease and the 8 s agent timeout
    coord.kill('SIGCONT');
    const done = await coord.waitFor(job.id, ended);
    await expectWhole(done, range(1, 16));
    expect(events(done, 'coordinator:resumed')).toHaveLength(1);
    expect(events(done, 'agent:gone')).toEqual([]);
    // Its two node jobs (one Slurm job per node), none submitted again.
    expect(done.allocations).toHaveLength(2);
  });

  it('shrinks twice, also where Slurm resizes a job only once: each node goes with its own Slurm job', async () => {
    const job = await submit({ scene: sample, frames: '1-32', nodes: 3 });
    await until(job.id, (j) => j.progress.done >= 2 && j.nodes.length === 3);
    await coord.api('POST', `/api/jobs/${job.id}/scale`, { remove: 1, now: true });
    // Slurm 22.05 without accounting resizes a job once; no Slurm job is resized here, so the
    // second shrink is as good as the first.
    await coord.api('POST', `/api/jobs/${job.id}/scale`, { remove: 1, now: true });
    const done = await coord.waitFor(job.id, ended);
    await expectWhole(done, range(1, 32));
    expect(events(done, 'allocation:shrunk')).toHaveLength(2);
    expect(events(done, 'scale:failed')).toEqual([]);
  });

  it('leaves nothing hidden in the output when an encode is killed, and encodes again', async () => {
    const job = await submit({ scene: tiny, frames: '1-12', nodes: 1 });
    await until(job.id, (j) => j.progress.done >= 10);
    // Held as soon as it starts, then let run a millisecond at a time until what it writes is on
    // disk, so that the kill lands mid-encode however fast the encode would be.
    const agents = agentPids(coord.stateDir, job.id);
    let found: { pid: number; parent: number } | undefined;
    for (let i = 0; i < 30_000 && !found; i++) {
      found = encoder(job.outputDir, agents);
      if (found) process.kill(found.pid, 'SIGSTOP');
      else await sleep(1);
    }
    expect(found).toBeTruthy();
    const hidden = () => readdirSync(job.outputDir).filter((f) => f.startsWith('.'));
    for (let i = 0; i < 5_000 && !hidden().length; i++) {
      process.kill(found?.pid ?? 0, 'SIGCONT');
      await sleep(1);
      process.kill(found?.pid ?? 0, 'SIGSTOP');
    }
    expect(hidden()).toHaveLength(1);
    process.kill(found?.parent ?? 0, 'SIGKILL');
    process.kill(found?.pid ?? 0, 'SIGKILL');
    const done = await coord.waitFor(job.id, ended);
    await expectWhole(done, range(1, 12));
    expect(readdirSync(done.outputDir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('lets an agent token claim only a GPU its allocation holds, once', async () => {
    const job = await submit({ scene: tiny, frames: '1-8', nodes: 1, gpusPerNode: 1 });
    const running = await until(job.id, (j) => j.agents.length === 1);
    const agent = running.agents[0];
    const url = readAddress(coord.stateDir)?.url ?? '';
    const token = readFileSync(path.join(coord.stateDir, 'jobs', job.id, 'agent.token'), 'utf8');
    const claim = async (gpu: string) =>
      (
        await callApi<{ exit?: string }>(url, token.trim(), 'POST', '/api/agent/register', {
          jobId: job.id,
          node: agent?.node,
          gpu,
          slurmJobId: agent?.slurmJobId,
        })
      ).data;
    for (const gpu of ['9999', '', '00', '0,0', '1,0', agent?.gpu ?? '0'])
      expect((await claim(gpu))?.exit, gpu).toMatch(/not a GPU index|already has agent/);
    const done = await coord.waitFor(job.id, ended);
    await expectWhole(done, range(1, 8));
    expect(done.agents).toHaveLength(1);
  });

  it('pauses the job while its output cannot be written, blocklisting nobody', async () => {
    const job = await submit({ scene: tiny, frames: '1-16', nodes: 2 });
    await until(job.id, (j) => j.progress.done >= 2);
    // Immutable even to root: every write into the output fails for a while.
    execFileSync('chattr', ['+i', job.outputDir]);
    try {
      await until(job.id, (j) => events(j, 'job:paused').length >= 2, 120_000);
      await sleep(3_000);
    } finally {
      execFileSync('chattr', ['-i', job.outputDir]);
    }
    const done = await coord.waitFor(job.id, ended);
    await expectWhole(done, range(1, 16));
    expect(events(done, 'agent:blocked')).toEqual([]);
    expect(done.agents.every((a) => a.failures === 0)).toBe(true);
  });

  it('retries a failing frame on a job of one agent instead of waiting forever', async () => {
    const job = await submit({ scene: tiny, frames: '1-6', nodes: 1, gpusPerNode: 1 });
    // Frame 3 cannot be written while a directory stands where its file goes.
    mkdirSync(path.join(job.outputDir, name(3)), { recursive: true });
    await until(job.id, (j) => events(j, 'task:failed').length >= 1, 120_000);
    rmSync(path.join(job.outputDir, name(3)), { recursive: true, force: true });
    const done = await coord.waitFor(job.id, ended);
    await expectWhole(done, range(1, 6));
    expect(events(done, 'task:retried-here').length).toBeGreaterThan(0);
  });

  it('goes on with the nodes left when a node fails under the job (slurmd killed)', async () => {
    const cluster = new LocalCluster(clusterDir);
    const job = await submit({ scene: sample, frames: '1-48', nodes: 2 });
    const running = await until(job.id, (j) => j.nodes.length === 2 && j.progress.done >= 1);
    const victim = running.nodes[1] ?? '';
    const pidFile = cluster.layout.slurmdPid(victim);
    const slurmdPid = Number(readFileSync(pidFile, 'utf8').trim());
    process.kill(slurmdPid, 'SIGKILL');
    let done: JobDetail;
    try {
      done = await coord.waitFor(job.id, ended);
    } finally {
      await startDaemon(cluster, slurmdSpec(cluster.layout, victim), daemonEnv());
      await waitForNodes(cluster, [victim], 90_000);
    }
    await expectWhole(done, range(1, 48));
    expect(events(done, 'allocation:requeued')).toEqual([]);
    expect(done.allocations.filter((a) => a.role === 'primary')).toHaveLength(1);
    expect(existsSync(pidFile)).toBe(true);
  });
});
