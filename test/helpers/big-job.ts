import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RunningCoordinator } from '../../src/coordinator/service.js';
import type { JobRow, NewTask } from '../../src/coordinator/store/types.js';

/** Frames of the big job; 5,999 done, 13 failed (every 500th from the 8th), 16 rendering. */
export const BIG_JOB_FRAMES = 10_000;
/** A failed frame far down the grid. */
export const BIG_JOB_FAILED_FRAME = 5_508;
const FRAMES = BIG_JOB_FRAMES;
const name = (f: number) => `frame_${String(f).padStart(4, '0')}`;

/**
 * A 10,000-frame job written straight into the store, with thumbnails for the first 300 frames
 * (hard links of one made by ffmpeg), in the coordinator's state dir `stateDir`: what the viewer's
 * test and benchmark load.
 */
export function insertBigJob(c: RunningCoordinator['coordinator'], stateDir: string): string {
  const dir = path.join(stateDir, 'jobs', 'j900');
  mkdirSync(path.join(dir, 'thumbs'), { recursive: true });
  const thumb = path.join(dir, 'thumb-source.jpg');
  execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=s=96x72',
    '-frames:v',
    '1',
    '-y',
    thumb,
  ]);
  for (let f = 1; f <= 300; f++) linkSync(thumb, path.join(dir, 'thumbs', `${name(f)}.jpg`));
  const job: JobRow = {
    id: 'j900',
    seq: 900,
    kind: 'blender',
    name: 'ten thousand frames',
    state: 'running',
    spec: { kind: 'blender', scene: '/nowhere/big.blend', frames: `1-${FRAMES}`, nodes: 4 },
    dir,
    outputDir: path.join(dir, 'output'),
    agentToken: 'x'.repeat(48),
    nodesWanted: 4,
    gpusPerNode: 4,
    auto: null,
    priority: 50,
    owner: null,
    video: null,
    error: null,
    createdAt: Date.now() - 200_000,
    finishedAt: null,
  };
  const tasks: NewTask[] = Array.from({ length: FRAMES }, (_, i) => ({
    stage: 'render',
    seq: i,
    kind: 'blender-render',
    payload: {},
    frames: [i + 1],
  }));
  tasks.push({ stage: 'encode', seq: FRAMES, kind: 'blender-encode', payload: {}, frames: [] });
  c.store.insertJob(
    job,
    [
      { name: 'render', seq: 0, state: 'ready' },
      { name: 'encode', seq: 1, state: 'waiting' },
    ],
    tasks,
  );
  const agents = Array.from({ length: 16 }, (_, k) => ({
    id: `j900.node${(k >> 2) + 1}.gpu${k % 4}.${k + 1}`,
    node: `node${(k >> 2) + 1}`,
    gpu: String(k % 4),
  }));
  for (const a of agents)
    c.store.agents.insert({
      ...a,
      jobId: 'j900',
      slurmJobId: 1,
      state: 'active',
      failures: 0,
      pid: null,
      registeredAt: job.createdAt,
      lastSeen: Date.now(),
    });
  const t0 = job.createdAt;
  for (let i = 0; i < 6_028; i++) {
    const agent = agents[i % 16];
    if (!agent) continue;
    const start = t0 + Math.floor(i / 16) * 500;
    const task = c.store.tasks.leaseNext('j900', 'render', agent, start, 3_600_000);
    if (!task || i >= 6_012) continue; // the last 16 stay leased
    const frame = task.frames[0] ?? 0;
    if (i % 500 === 7) {
      c.store.tasks.fail(task.id, agent.id, {
        error: `blender exited with code 1 on frame ${frame}`,
        tail: ['Error: <b>not html</b>', `frame ${frame}`],
        maxAttempts: 1,
        now: start + 400,
        blame: 'agent',
        notBefore: null,
      });
      continue;
    }
    const seconds = 0.3 + ((frame * 37) % 100) / 250;
    c.store.tasks.complete(
      task.id,
      agent,
      {
        frames: {
          [frame]: {
            seconds,
            file: `output/${name(frame)}.png`,
            thumb: `thumbs/${name(frame)}.jpg`,
          },
        },
      },
      start + seconds * 1000,
    );
  }
  return job.id;
}
