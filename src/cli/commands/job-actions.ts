import type { CommandModule } from 'yargs';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../../errors.js';
import { DEFAULT_PRIORITY, PRIORITY_MAX, priorityProblem } from '../../api/priority.js';
import type { JobDetail, RetryReply, TaskLog } from '../../api/types.js';
import { requeuedText, unitWord } from '../../viewer/app/pace-text.js';
import { CoordinatorConnection, withCoordinatorOptions } from '../connection.js';
import { ranRemotely, withClusterOption } from '../remote.js';

const jobArg = {
  type: 'string',
  demandOption: true,
  describe: 'Job id (from `cluster-tool status`)',
} as const;

const ended = (j: JobDetail) => j.state !== 'running' && j.state !== 'queued';

export const cancelCommand: CommandModule = {
  command: 'cancel <job>',
  describe: 'Cancel a job and release its Slurm allocations',
  builder: (y) => withCoordinatorOptions(withClusterOption(y)).positional('job', jobArg),
  handler: async (argv) => {
    if (await ranRemotely('cancel', argv, { positional: ['job'] })) return;
    const conn = CoordinatorConnection.fromArgs(argv);
    const route = `/api/jobs/${encodeURIComponent(argv.job as string)}`;
    const before = await conn.request<JobDetail>('GET', route);
    if (ended(before)) {
      process.stdout.write(`${before.id} had ${before.state} already; nothing was cancelled\n`);
      return;
    }
    const job = await conn.request<JobDetail>('POST', `${route}/cancel`);
    const p = job.progress;
    process.stdout.write(
      `${job.id} cancelled: ${p.done}/${p.total} ${unitWord(job.unit, p.total)} done, ${p.cancelled} cancelled; its Slurm allocations are being released\n`,
    );
  },
};

export const retryCommand: CommandModule = {
  command: 'retry <job>',
  describe: 'Queue failed frames again (or the frames given), then encode the video again',
  builder: (y) =>
    withCoordinatorOptions(withClusterOption(y))
      .positional('job', jobArg)
      .option('frames', { type: 'string', describe: 'Only these frames (1-10, 5,7), done or not' }),
  handler: async (argv) => {
    if (await ranRemotely('retry', argv, { positional: ['job'] })) return;
    const job = await CoordinatorConnection.fromArgs(argv).request<RetryReply>(
      'POST',
      `/api/jobs/${encodeURIComponent(argv.job as string)}/retry`,
      {
        frames: argv.frames,
      },
    );
    process.stdout.write(`${job.id} ${job.state}: ${requeuedText(job)}\n`);
  },
};

export const priorityCommand: CommandModule = {
  command: 'priority <job> <priority>',
  describe:
    "Change a queued or running job's priority (1-100, higher first): its allocations still waiting in Slurm are reordered",
  builder: (y) =>
    withCoordinatorOptions(withClusterOption(y))
      .positional('job', jobArg)
      .positional('priority', {
        type: 'number',
        demandOption: true,
        describe: `1-${PRIORITY_MAX}; the default of a new job is ${DEFAULT_PRIORITY}`,
      })
      .example('$0 priority j4 90', 'Start j4 before the jobs of priority 50 still waiting'),
  handler: async (argv) => {
    if (await ranRemotely('priority', argv, { positional: ['job', 'priority'] })) return;
    const problem = priorityProblem(argv.priority);
    if (problem) throw new UsageError(problem);
    const job = await CoordinatorConnection.fromArgs(argv).request<JobDetail>(
      'POST',
      `/api/jobs/${encodeURIComponent(argv.job as string)}/priority`,
      { priority: argv.priority },
    );
    const said = [...job.events].reverse().find((e) => e.type === 'job:priority');
    process.stdout.write(`${job.id} ${said?.message ?? `priority ${job.priority}`}\n`);
  },
};

/** The lines of `next` that come after what `prev` ended with (the overlap printed once). */
export function newLines(prev: readonly string[], next: readonly string[]): string[] {
  for (let k = Math.min(prev.length, next.length); k > 0; k--) {
    let same = true;
    for (let i = 0; i < k && same; i++) same = prev[prev.length - k + i] === next[i];
    if (same) return next.slice(k);
  }
  return [...next];
}

/** A Slurm output line a release printed, said so in front: it is expected, not a failure. */
export function markedLine(line: string, released: string | null | undefined): string {
  return released ? `[${released}] ${line}` : line;
}

export const logsCommand: CommandModule = {
  command: 'logs <job>',
  describe:
    "Show a job's Slurm output (lines printed by a node's release marked `[released NODE by … at …]`), one agent's log, or one frame's or task's log",
  builder: (y) =>
    withCoordinatorOptions(withClusterOption(y))
      .positional('job', jobArg)
      .option('agent', { type: 'string', describe: 'Agent id (see `cluster-tool status JOB`)' })
      .option('frame', { type: 'number', describe: 'The log of the task that renders this frame' })
      .option('task', {
        type: 'string',
        describe:
          "The log of this task (its name or id): its own output and the agent's lines about it, every attempt headed by its number",
      })
      .option('attempt', {
        type: 'number',
        describe: 'With --task or --frame: only this attempt (1 is the first; see the headings)',
      })
      .option('follow', {
        alias: 'f',
        type: 'boolean',
        default: false,
        describe: 'Keep printing new lines until the task (or the job) ends',
      })
      .option('tail', { type: 'number', default: 200, describe: 'Lines from the end' })
      .example(
        '$0 logs j3 --task flaky --attempt 2',
        "Only the second attempt of task flaky's log",
      ),
  handler: async (argv) => {
    if (await ranRemotely('logs', argv, { positional: ['job'] })) return;
    const picked = ['agent', 'frame', 'task'].filter((k) => argv[k] !== undefined);
    if (picked.length > 1)
      throw new UsageError(
        `give one of --agent, --frame, --task (got ${picked.map((k) => `--${k}`).join(', ')})`,
      );
    const forTask = argv.frame !== undefined || argv.task !== undefined;
    const attempt = argv.attempt as number | undefined;
    if (attempt !== undefined) {
      if (!forTask)
        throw new UsageError('--attempt picks an attempt of a task: give --task or --frame too');
      if (!Number.isInteger(attempt) || attempt < 1)
        throw new UsageError(`--attempt ${attempt}: give an attempt number, 1 or more`);
    }
    const conn = CoordinatorConnection.fromArgs(argv);
    const job = encodeURIComponent(argv.job as string);
    const tail = String(argv.tail);
    const q = new URLSearchParams({ tail: argv.follow ? '5000' : tail });
    if (argv.agent) q.set('agent', argv.agent as string);
    if (argv.frame !== undefined) q.set('frame', String(Number(argv.frame)));
    if (argv.task !== undefined)
      q.set(/^\d+$/.test(argv.task as string) ? 'id' : 'name', argv.task as string);
    if (attempt !== undefined) q.set('attempt', String(attempt));
    const read = async () => {
      if (!forTask) {
        const r = await conn.request<{ lines: string[]; released?: (string | null)[] }>(
          'GET',
          `/api/jobs/${job}/logs?${q}`,
        );
        return { lines: r.lines.map((l, i) => markedLine(l, r.released?.[i])), over: false };
      }
      const r = await conn.request<TaskLog>('GET', `/api/jobs/${job}/task/log?${q}`);
      return { lines: r.lines, over: r.task.state !== 'queued' && r.task.state !== 'leased' };
    };
    let seen: string[] = [];
    for (let first = true; ; first = false) {
      const r = await read();
      const fresh = first ? r.lines.slice(-Number(tail)) : newLines(seen, r.lines);
      if (fresh.length) process.stdout.write(fresh.join('\n') + '\n');
      seen = r.lines;
      if (!argv.follow || r.over) return;
      if (!forTask) {
        const j = await conn.request<JobDetail>('GET', `/api/jobs/${job}`);
        if (ended(j)) return;
      }
      await sleep(1000);
    }
  },
};
