import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Coordinator } from '../../src/coordinator/core.js';
import type { JobRow, NewTask } from '../../src/coordinator/store/types.js';

// A Blender job written straight into the store, as its agent would have left it, for the viewer
// tests that need frames and thumbnails but no render.

const name = (f: number) => `frame_${String(f).padStart(4, '0')}`;
const agent = { id: 'j700.node1.gpu0.1', node: 'node1', gpu: '0' };

/** A running Blender job with every frame rendered (each with a real JPEG thumbnail). */
export function insertRenderedJob(c: Coordinator, jobsDir: string, frames: number): string {
  const dir = path.join(jobsDir, 'j700');
  mkdirSync(path.join(dir, 'thumbs'), { recursive: true });
  const thumb = path.join(dir, 'thumb-source.jpg');
  execFileSync('ffmpeg', [
    ...['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=s=96x72'],
    ...['-frames:v', '1', '-y', thumb],
  ]);
  for (let f = 1; f <= frames; f++) linkSync(thumb, path.join(dir, 'thumbs', `${name(f)}.jpg`));
  const job: JobRow = {
    id: 'j700',
    seq: 700,
    kind: 'blender',
    name: 'bookmarked job',
    state: 'running',
    spec: { kind: 'blender', scene: '/nowhere/s.blend', frames: `1-${frames}`, nodes: 1 },
    dir,
    outputDir: path.join(dir, 'output'),
    agentToken: 'y'.repeat(48),
    nodesWanted: 1,
    gpusPerNode: 1,
    priority: 50,
    owner: null,
    auto: null,
    video: null,
    error: null,
    createdAt: Date.now() - 60_000,
    finishedAt: null,
  };
  const tasks: NewTask[] = Array.from({ length: frames }, (_, i) => ({
    stage: 'render',
    seq: i,
    kind: 'blender-render',
    payload: {},
    frames: [i + 1],
  }));
  c.store.insertJob(job, [{ name: 'render', seq: 0, state: 'ready' }], tasks);
  c.store.agents.insert({
    ...agent,
    jobId: job.id,
    slurmJobId: 1,
    state: 'active',
    failures: 0,
    pid: null,
    registeredAt: job.createdAt,
    lastSeen: Date.now(),
  });
  for (let i = 0; i < frames; i++) renderNext(c, job.createdAt + i * 1000);
  return job.id;
}

/** The agent leases the next queued frame and reports it rendered, with its thumbnail. */
export function renderNext(c: Coordinator, at: number): void {
  const task = c.store.tasks.leaseNext('j700', 'render', agent, at, 3_600_000);
  if (!task) throw new Error('no frame to render');
  const frame = task.frames[0] ?? 0;
  const file = {
    seconds: 0.5,
    file: `output/${name(frame)}.png`,
    thumb: `thumbs/${name(frame)}.jpg`,
  };
  c.store.tasks.complete(task.id, agent, { frames: { [frame]: file } }, at + 500);
}
