// Writes the coordinator's database before the coordinator starts, through its store and plain
// SQL: no API writes history that is already finished.
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/coordinator/store/sqlite-store.js';
import type { NewTask } from '../../src/coordinator/store/types.js';

/** Tasks per finished job of history (a long animation each). */
export const HISTORY_JOB_TASKS = 5_000;
/** Agents each finished job had: 16 four-GPU nodes. */
const HISTORY_AGENTS = 64;
const DAY_MS = 86_400_000;

/**
 * Writes `tasks` tasks of history into the coordinator's database before it starts: finished
 * Blender jobs of 5,000 one-frame tasks each, with their stages, attempts, agents, allocation and
 * events, as a coordinator that has run for a while keeps them. Jobs, stages and tasks go in
 * through the store; the store has no way to write a task already done, so the finishing touches
 * (results, attempts) are set-based SQL on the same file.
 */
export function writeHistory(dbFile: string, jobsDir: string, tasks: number): { jobs: number } {
  const jobs = Math.ceil(tasks / HISTORY_JOB_TASKS);
  const store = new SqliteStore(dbFile);
  const started = Date.now() - 30 * DAY_MS;
  try {
    store.transaction(() => {
      for (let j = 0; j < jobs; j++) {
        const seq = store.jobs.nextSeq();
        const id = `j${seq}`;
        const dir = path.join(jobsDir, id);
        const outputDir = path.join(dir, 'output');
        const n = Math.min(HISTORY_JOB_TASKS, tasks - j * HISTORY_JOB_TASKS);
        const createdAt = started + j * 3_600_000;
        const newTasks: NewTask[] = Array.from({ length: n }, (_, i) => ({
          stage: 'render',
          seq: i,
          kind: 'blender-render',
          payload: { scene: `/shared/scenes/shot${j}.blend`, outputDir, format: 'PNG' },
          frames: [i + 1],
        }));
        newTasks.push({
          stage: 'encode',
          seq: 0,
          kind: 'blender-encode',
          payload: { scene: `/shared/scenes/shot${j}.blend`, outputDir, format: 'PNG' },
          frames: [],
        });
        store.insertJob(
          {
            id,
            seq,
            kind: 'blender',
            name: `shot${j}`,
            state: 'succeeded',
            spec: {
              kind: 'blender',
              scene: `/shared/scenes/shot${j}.blend`,
              frames: `1-${n}`,
              nodes: HISTORY_AGENTS / 4,
            },
            dir,
            outputDir,
            agentToken: `history-${id}`,
            nodesWanted: HISTORY_AGENTS / 4,
            gpusPerNode: 4,
            auto: null,
            priority: 50,
            owner: null,
            video: path.join(outputDir, 'video.mp4'),
            error: null,
            createdAt,
            finishedAt: createdAt + 3_000_000,
          },
          [
            { name: 'render', seq: 0, state: 'done' },
            { name: 'encode', seq: 1, state: 'done' },
          ],
          newTasks,
        );
        store.allocations.insert({
          slurmJobId: 100_000 + j,
          jobId: id,
          role: 'primary',
          state: 'ended',
          nodes: Array.from({ length: HISTORY_AGENTS / 4 }, (_, k) => `gpu-${k + 1}`),
          requestedNodes: HISTORY_AGENTS / 4,
          reason: 'None',
          createdAt,
          endedAt: createdAt + 3_000_000,
        });
        for (let a = 0; a < HISTORY_AGENTS; a++) {
          const node = `gpu-${Math.floor(a / 4) + 1}`;
          const agentId = `${id}.${node}.gpu${a % 4}.${a + 1}`;
          store.agents.insert({
            id: agentId,
            jobId: id,
            node,
            gpu: String(a % 4),
            slurmJobId: 100_000 + j,
            state: 'gone',
            failures: 0,
            pid: 1000 + a,
            registeredAt: createdAt,
            lastSeen: createdAt + 3_000_000,
          });
          store.events.add({
            jobId: id,
            at: createdAt,
            type: 'agent:registered',
            actor: 'coordinator',
            message: `agent on ${node} GPU ${a % 4} (Slurm job ${100_000 + j})`,
            data: { agentId },
            level: 'detail',
          });
        }
      }
    });
  } finally {
    store.close();
  }
  finishHistory(dbFile);
  return { jobs };
}

/** Marks every history task done by one of its job's agents, with a result and one attempt. */
function finishHistory(dbFile: string): void {
  const db = new Database(dbFile);
  try {
    db.transaction(() => {
      db.exec(`
        UPDATE tasks SET state = 'done', attempts = 0, lease_attempt = 1,
          agent_id = job_id || '.gpu-' || ((seq % ${HISTORY_AGENTS}) / 4 + 1) || '.gpu' || (seq % 4) || '.' || (seq % ${HISTORY_AGENTS} + 1),
          node = 'gpu-' || ((seq % ${HISTORY_AGENTS}) / 4 + 1), gpu = CAST(seq % 4 AS TEXT),
          started_at = (SELECT created_at FROM jobs WHERE jobs.id = tasks.job_id) + seq * 600,
          finished_at = (SELECT created_at FROM jobs WHERE jobs.id = tasks.job_id) + seq * 600 + 38000,
          result = json_object('frames', json_object(CAST(seq + 1 AS TEXT), json_object(
            'file', printf('output/frame_%04d.png', seq + 1), 'thumb', printf('thumbs/frame_%04d.jpg', seq + 1),
            'seconds', 37.5, 'device', json_object('type', 'OPTIX', 'name', 'NVIDIA A10G'))), 'applied', json_object())
        WHERE state = 'queued' AND job_id IN (SELECT id FROM jobs WHERE state = 'succeeded');
        INSERT INTO attempts (task_id, attempt, agent_id, node, gpu, started_at, ended_at, outcome)
          SELECT id, 1, agent_id, node, gpu, started_at, finished_at, 'done' FROM tasks
          WHERE job_id IN (SELECT id FROM jobs WHERE state = 'succeeded');
      `);
    })();
  } finally {
    db.close();
  }
}
