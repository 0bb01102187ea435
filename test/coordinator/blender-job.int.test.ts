import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail, TaskView } from '../../src/api/types.js';
import { callApi } from '../../src/api/http-client.js';
import { readAddress } from '../../src/coordinator/state-dir.js';
import { countVideoFrames } from '../../src/renderers/blender/encode.js';
import { ensureSampleScene } from '../../src/renderers/blender/sample-scene.js';
import { SlurmClient } from '../../src/slurm/client.js';
import {
  agentPids,
  cleanUp,
  ended,
  CoordinatorProcess,
  noAllocationLeft,
} from '../helpers/coordinator.js';

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-coord-');
let scene = '';
let coord: CoordinatorProcess;

beforeAll(async () => {
  scene = await ensureSampleScene(path.join(root, 'sample.blend'));
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

async function renderTasks(jobId: string): Promise<TaskView[]> {
  const r = await coord.api<{ tasks: TaskView[] }>('GET', `/api/jobs/${jobId}/tasks?stage=render`);
  return r.tasks;
}

/** Every frame exactly once: one PNG per frame number, one done task per frame, a video of that many frames. */
async function expectComplete(job: JobDetail, frames: number[]): Promise<void> {
  expect(job.state).toBe('succeeded');
  const pngs = readdirSync(job.outputDir)
    .filter((f) => f.endsWith('.png'))
    .sort();
  expect(pngs).toEqual(frames.map((f) => `frame_${String(f).padStart(4, '0')}.png`));
  const tasks = await renderTasks(job.id);
  const doneFrames = tasks
    .filter((t) => t.state === 'done')
    .flatMap((t) => t.frames)
    .sort((a, b) => a - b);
  expect(doneFrames).toEqual(frames);
  for (const t of tasks) {
    expect(t.agentId).toBeTruthy();
    expect(t.node).toMatch(/^node[1-4]$/);
    expect(t.gpu).toMatch(/^[0-3]$/);
    expect(Object.keys(t.frameSeconds).map(Number)).toEqual(t.frames);
  }
  expect(job.video).toBe('output/video.mp4');
  expect(await countVideoFrames(path.join(job.dir, job.video ?? ''))).toBe(frames.length);
  for (const f of frames)
    expect(
      existsSync(path.join(job.dir, 'thumbs', `frame_${String(f).padStart(4, '0')}.jpg`)),
    ).toBe(true);
}

const frames48 = Array.from({ length: 48 }, (_, i) => i + 1);

describe('Blender jobs through the coordinator on the local cluster', () => {
  it('renders 48 frames across 4 nodes into 48 PNGs and a 48-frame MP4, recording the agent and GPU of each frame', async () => {
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'blender',
      scene,
      frames: '1-48',
      nodes: 4,
    });
    const done = await coord.waitFor(job.id, ended);
    await expectComplete(done, frames48);
    const nodes = new Set((await renderTasks(job.id)).map((t) => t.node));
    expect(nodes.size).toBe(4);
    // Each agent started the scene's Blender before registering, and rendered in that one.
    const logs = path.join(done.dir, 'logs');
    const agentLogs = readdirSync(logs).filter((f) => f.startsWith('agent-'));
    expect(agentLogs).toHaveLength(16);
    for (const f of agentLogs) {
      const lines = readFileSync(path.join(logs, f), 'utf8').split('\n');
      const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
      const early = at(
        / warming up blender-render: Blender started before registering \(pid (\d+)\)/,
      );
      expect(early, f).toBeGreaterThanOrEqual(0);
      expect(early, f).toBeLessThan(at(/ registered as /));
      const pid = / \(pid (\d+)\)/.exec(lines[early] ?? '')?.[1];
      expect(
        lines.filter((l) => / blender ready: /.test(l)),
        f,
      ).toEqual([expect.stringContaining(`blender ready: pid ${pid},`)]);
    }
    await noAllocationLeft(slurm);
  });

  it('loses nothing when an agent is SIGKILLed mid-frame', async () => {
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'blender',
      scene,
      frames: '1-48',
      nodes: 4,
    });
    const busy = await coord.waitFor(
      job.id,
      (j) => j.agents.some((a) => a.currentTaskId !== null) && j.progress.done >= 2,
    );
    const victim = busy.agents.find((a) => a.currentTaskId !== null);
    const pids = agentPids(coord.stateDir, job.id);
    expect(pids.length).toBeGreaterThan(0);
    // Kill the agent that holds a task, found by its node and GPU in its environment.
    const pid = pids.find((p) => {
      const env = readFileSync(`/proc/${p}/environ`, 'utf8').split('\0');
      return (
        env.includes(`SLURMD_NODENAME=${victim?.node}`) &&
        env.includes(`CUDA_VISIBLE_DEVICES=${victim?.gpu}`)
      );
    });
    expect(pid).toBeDefined();
    process.kill(pid ?? 0, 'SIGKILL');
    const done = await coord.waitFor(job.id, ended);
    await expectComplete(done, frames48);
    expect(done.events.some((e) => e.type === 'task:requeued' || e.type === 'agent:gone')).toBe(
      true,
    );
    await noAllocationLeft(slurm);
  });

  it('loses nothing when the coordinator is SIGKILLed mid-job and started again, and finds its allocation again', async () => {
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'blender',
      scene,
      frames: '1-48',
      nodes: 4,
    });
    const running = await coord.waitFor(
      job.id,
      (j) => j.progress.done >= 4 && j.allocations.some((a) => a.state === 'running'),
    );
    const slurmJobs = running.allocations.map((a) => a.slurmJobId);
    coord.kill('SIGKILL');
    await sleep(3000);
    await coord.start();
    const done = await coord.waitFor(job.id, ended);
    await expectComplete(done, frames48);
    // The same Slurm allocation carried on: no second primary was submitted.
    expect(done.allocations.map((a) => a.slurmJobId)).toEqual(slurmJobs);
    await noAllocationLeft(slurm);
  });
});

describe('bad input to the coordinator', () => {
  const submit = (body: Record<string, unknown>) =>
    coord
      .api('POST', '/api/jobs', { kind: 'blender', scene, frames: '1-2', nodes: 1, ...body })
      .then(
        () => 'accepted',
        (e: Error) => e.message,
      );

  it('refuses bad scenes, frame specs, chunks and node counts with clear errors, creating no job', async () => {
    const before = (await coord.api<unknown[]>('GET', '/api/jobs')).length;
    expect(await submit({ scene: '/nonexistent/x.blend' })).toMatch(/does not exist/);
    expect(await submit({ scene: '/etc/hostname' })).toMatch(/not a \.blend file/);
    expect(await submit({ frames: '10-1' })).toMatch(/10-1/);
    expect(await submit({ frames: '0-1e9' })).toMatch(/0-1e9/);
    expect(await submit({ frames: 'abc' })).toMatch(/abc/);
    expect(await submit({ chunk: 0 })).toMatch(/chunk must be a whole number from 1/);
    expect(await submit({ nodes: 5 })).toMatch(/5 is more than the 4 node\(s\) the partition has/);
    expect((await coord.api<unknown[]>('GET', '/api/jobs')).length).toBe(before);
  });

  it('renders a scene whose path holds shell metacharacters, running none of them', async () => {
    const odd = path.join(root, "we $(touch pwned) `touch pwned2`; 'q'.blend");
    copyFileSync(scene, odd);
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'blender',
      scene: odd,
      frames: '1-2',
      nodes: 1,
      gpusPerNode: 2,
    });
    const done = await coord.waitFor(job.id, ended);
    await expectComplete(done, [1, 2]);
    expect(existsSync(path.join(job.dir, 'pwned'))).toBe(false);
    expect(existsSync('pwned')).toBe(false);
  });

  it('answers 401 without the token and 4xx for a file outside the job directory', async () => {
    const url = readAddress(coord.stateDir)?.url ?? '';
    const anon = await fetch(`${url}/api/jobs`);
    expect(anon.status).toBe(401);
    const wrong = await callApi(url, 'not-the-token', 'GET', '/api/jobs').catch(
      (e: { status: number }) => e.status,
    );
    expect(wrong).toBe(401);
    const job = (await coord.api<JobDetail[]>('GET', '/api/jobs')).find(
      (j) => j.state === 'succeeded',
    );
    const token = (await import('node:fs')).readFileSync(
      path.join(coord.stateDir, 'token'),
      'utf8',
    );
    for (const p of [
      '../../token',
      '..%2F..%2Ftoken',
      '%2Fetc%2Fpasswd',
      'output/../../../token',
    ]) {
      const r = await fetch(`${url}/api/jobs/${job?.id}/files/${p}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    const ok = await fetch(`${url}/api/jobs/${job?.id}/files/output/frame_0001.png`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.status).toBe(200);
  });
});
