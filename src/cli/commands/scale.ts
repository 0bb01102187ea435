import type { CommandModule } from 'yargs';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../../errors.js';
import type { JobDetail, ScaleRequest, TaskView } from '../../api/types.js';
import { scaleNews, type ScaleWatch } from '../../viewer/app/scale-news.js';
import { expandHostlist } from '../../slurm/hostlist.js';
import { CoordinatorConnection, withCoordinatorOptions } from '../connection.js';
import { formatJobDetail } from '../format/jobs.js';
import { ranRemotely, withClusterOption } from '../remote.js';
import { followScale } from '../remote-follow.js';
import { autoSpec } from './submit.js';

/** Builds the request from flags; exactly one way of saying how many nodes. */
export function scaleRequest(argv: Record<string, unknown>): ScaleRequest {
  const ways = ['nodes', 'add', 'remove', 'nodes-list'].filter((k) => argv[k] !== undefined);
  if (ways.length > 1)
    throw new UsageError(
      `give one of --nodes, --add, --remove, --nodes-list (got ${ways.map((w) => `--${w}`).join(', ')})`,
    );
  const req: ScaleRequest = { now: Boolean(argv.now) };
  if (argv.nodes !== undefined) req.nodes = argv.nodes as number;
  if (argv.add !== undefined) req.add = argv.add as number;
  if (argv.remove !== undefined) req.remove = argv.remove as number;
  if (argv['nodes-list'] !== undefined) req.nodeList = expandHostlist(argv['nodes-list'] as string);
  if (argv.auto === true) req.auto = autoSpec(argv);
  if (argv.auto === false) req.auto = false;
  if (!ways.length && argv.auto === undefined)
    throw new UsageError(
      'say how to scale: --nodes N, --add K, --remove K, --nodes-list LIST, or --auto --min A --max B',
    );
  return req;
}

export const scaleCommand: CommandModule = {
  command: 'scale <job>',
  describe: 'Grow or shrink a running job without losing a frame, or let a policy do it (--auto)',
  builder: (y) =>
    withCoordinatorOptions(withClusterOption(y))
      .positional('job', { type: 'string', demandOption: true, describe: 'Job id' })
      .option('nodes', { type: 'number', describe: 'Scale to exactly this many nodes' })
      .option('add', {
        type: 'number',
        describe: 'Add this many nodes (a new attached Slurm allocation)',
      })
      .option('remove', { type: 'number', describe: 'Give back this many nodes (idle ones first)' })
      .option('nodes-list', {
        type: 'string',
        describe: 'Give back exactly these nodes, e.g. node[3-4]',
      })
      .option('now', {
        type: 'boolean',
        default: false,
        describe: "Hand the released agents' tasks back at once instead of letting them finish",
      })
      .option('auto', {
        type: 'boolean',
        describe: 'Autoscale between --min and --max (--no-auto turns it off)',
      })
      .option('min', { type: 'number', describe: 'Autoscaling: fewest nodes' })
      .option('max', { type: 'number', describe: 'Autoscaling: most nodes' })
      .option('target-finish', {
        type: 'string',
        describe: 'Autoscaling: finish within this long of submission (30m, 2h)',
      })
      .option('wait', {
        type: 'boolean',
        default: false,
        describe:
          'Wait until a grow has its nodes running and their agents in (new nodes can take ~5 min on AWS)',
      })
      .option('json', { type: 'boolean', default: false }),
  handler: async (argv) => {
    if (await ranRemotely('scale', argv, { positional: ['job'], follow: followScale })) return;
    const req = scaleRequest(argv);
    const conn = CoordinatorConnection.fromArgs(argv);
    const id = encodeURIComponent(argv.job as string);
    const watch: ScaleWatch = { request: req, since: Date.now(), slurmJobId: null, done: false };
    let said = '';
    const tell = (d: JobDetail, tasks: TaskView[]) => {
      const news = scaleNews(watch, d, tasks);
      if (news && news !== said) process.stderr.write(`· ${news}\n`);
      said = news ?? said;
    };
    const look = async () => {
      const [d, leased] = await Promise.all([
        conn.request<JobDetail>('GET', `/api/jobs/${id}`),
        conn.request<{ tasks: TaskView[] }>('GET', `/api/jobs/${id}/tasks?state=leased`),
      ]);
      tell(d, leased.tasks);
      return d;
    };
    // A shrink waits for the draining agents' frames: say what it waits on while it does.
    const asked = conn.request<JobDetail>('POST', `/api/jobs/${id}/scale`, req);
    let answered = false;
    void asked.finally(() => (answered = true)).catch(() => {});
    while (!answered) {
      await Promise.race([asked.catch(() => {}), sleep(1000)]);
      if (!answered) await look().catch(() => {});
    }
    let job = await asked;
    watch.done = true;
    tell(job, []);
    if (argv.wait) {
      while (job.allocations.some((a) => a.state === 'pending') || joining(job, watch)) {
        await sleep(1000);
        job = await look();
      }
    }
    process.stdout.write(
      argv.json ? JSON.stringify(job, null, 2) + '\n' : formatJobDetail(job) + '\n',
    );
  },
};

/** A grow whose Slurm job runs but whose agents have not all registered yet. */
function joining(job: JobDetail, w: ScaleWatch): boolean {
  const a = job.allocations.find((x) => x.slurmJobId === w.slurmJobId);
  // A service (IndeX) runs its own program there: no agents to wait for.
  if (!a || a.state !== 'running' || job.presentation.scaling === 'service') return false;
  return !a.nodes.every((n) =>
    job.agents.some((g) => g.node === n && g.slurmJobId === a.slurmJobId),
  );
}
