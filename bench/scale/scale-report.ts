import { percentile } from '../report.js';
import type { ScaleRun } from './run-size.js';
import type { ScaleResult } from './scale-bench.js';
import type { SlurmParseFigure } from './slurm-scale.js';

/** The scale targets: at the most agents, and lease p99 across histories. */
export const SCALE_TARGETS = {
  tasksPerSecond: 2_000,
  leaseP99Ms: 50,
  rssBytes: 1024 ** 3,
  /** Lease p99 at the most history over that at the least. */
  historyP99Ratio: 1.5,
} as const;

const MB = 1024 * 1024;

/** The figures of a run the table and the plot show, by name. */
export function figures(r: ScaleRun) {
  const secs = Math.max(r.viewers.seconds, 1e-9);
  return {
    tasksPerSecond: r.tasksPerSecond,
    leaseP50: percentile(r.leaseMs, 50),
    leaseP99: percentile(r.leaseMs, 99),
    renewP50: percentile(r.renewMs, 50),
    renewP99: percentile(r.renewMs, 99),
    renewCpuUs: r.renewCpuUs,
    idleCpu: r.idleCpuPercent,
    drainCpu: r.drainCpuPercent,
    cpuMsPerTask: (r.drainCpuPercent / 100) * (1000 / Math.max(r.tasksPerSecond, 1e-9)),
    swarmCpu: r.swarmCpuPercent,
    peakRssMb: r.peakRssBytes / MB,
    registerSeconds: r.registerSeconds,
    jobsListMs: r.jobsListMs,
    viewerEventsPerSecond: r.viewers.eventsPerViewer / secs,
    viewerKbPerSecond: r.viewers.bytesPerViewer / 1024 / secs,
    viewerLagP50: percentile(r.viewers.lagMs, 50),
    viewerLagP99: percentile(r.viewers.lagMs, 99),
  };
}

const f = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) => `  ${r.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ')}`.trimEnd())
    .join('\n');
}

const pass = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'PASS' : 'MISS');

/** The scale section as text: one row per run, how each figure grows, the targets. */
export function formatScale(result: ScaleResult, slurm: readonly SlurmParseFigure[] = []): string {
  const { runs } = result;
  const rows = [
    [
      'agents',
      'history',
      'tasks/s',
      'lease p50',
      'p99 ms',
      'renew p50',
      'p99 ms',
      'renew µs',
      'idle %',
      'drain %',
      'ms/task',
      'swarm %',
      'RSS MB',
      'reg s',
      'list ms',
      'ev/s',
      'KB/s',
      'lag p50',
      'p99 ms',
      'load',
    ],
    ...runs.map((r, i) => {
      const x = figures(r);
      return [
        String(r.agents),
        String(r.history),
        f(x.tasksPerSecond),
        f(x.leaseP50, 2),
        f(x.leaseP99, 2),
        f(x.renewP50),
        f(x.renewP99),
        f(x.renewCpuUs),
        f(x.idleCpu, 1),
        f(x.drainCpu),
        f(x.cpuMsPerTask, 2),
        f(x.swarmCpu),
        f(x.peakRssMb),
        f(x.registerSeconds, 1),
        f(x.jobsListMs, 1),
        f(x.viewerEventsPerSecond),
        f(x.viewerKbPerSecond),
        f(x.viewerLagP50),
        f(x.viewerLagP99),
        f(result.loadBefore[i] ?? NaN, 2),
      ];
    }),
  ];
  const baseHistory = runs[0]?.history;
  const byAgents = runs.filter((r) => r.history === baseHistory);
  const small = byAgents[0];
  const large = byAgents[byAgents.length - 1];
  const most = large?.agents;
  const byHistory = runs.filter((r) => r.agents === most);
  const h0 = byHistory[0];
  const h1 = byHistory[byHistory.length - 1];
  const growth = (name: keyof ReturnType<typeof figures>, a?: ScaleRun, b?: ScaleRun) =>
    a && b ? figures(b)[name] / figures(a)[name] : NaN;
  const grow = (label: string, name: keyof ReturnType<typeof figures>) =>
    `  ${label}: ×${f(growth(name, small, large), 2)} from ${small?.agents} to ${most} agents` +
    (h0 && h1 && h0 !== h1
      ? `; ×${f(growth(name, h0, h1), 2)} from ${h0.history} to ${h1.history} tasks of history`
      : '');
  const top = large ? figures(large) : undefined;
  const ratio = growth('leaseP99', h0, h1);
  const lines = [
    'Columns: tasks/s drained (no-op tasks, every agent completing and asking for the next in one',
    'request); lease p50/p99: a new task → an idle long-polling agent has it; renew: every agent',
    'renewing its lease at once, 3 rounds: latency under that burst and coordinator CPU per call;',
    'idle %: coordinator CPU with every agent long-polling and nothing to do; drain %: coordinator',
    "CPU while draining (of one core), ms/task: that per task; swarm %: the bench process's CPU",
    '(the simulated agents and viewers), beside it on the same 2 cores; RSS: coordinator peak;',
    'reg s: registering every agent (16 at a time); list ms: GET /api/jobs (every job summarized);',
    "ev/s, KB/s, lag: each of 10 viewers on /api/events during the drain, and a finished task's",
    'delay until a viewer has it; load: 1-minute load average before the run.',
    '',
    table(rows),
    '',
    'How each figure grows:',
    grow('tasks/s', 'tasksPerSecond'),
    grow('lease p99', 'leaseP99'),
    grow('renew CPU per call', 'renewCpuUs'),
    grow('coordinator CPU per task', 'cpuMsPerTask'),
    grow('peak RSS', 'peakRssMb'),
    grow('GET /api/jobs', 'jobsListMs'),
    '',
    `Targets at ${most} agents:`,
    `  tasks/s ≥ ${SCALE_TARGETS.tasksPerSecond}: ${f(top?.tasksPerSecond ?? NaN)} ${pass(top && top.tasksPerSecond >= SCALE_TARGETS.tasksPerSecond)}`,
    `  idle-agent lease p99 < ${SCALE_TARGETS.leaseP99Ms} ms: ${f(top?.leaseP99 ?? NaN, 2)} ms ${pass(top && top.leaseP99 < SCALE_TARGETS.leaseP99Ms)}`,
    `  coordinator RSS < 1 GiB: ${f(top?.peakRssMb ?? NaN)} MB ${pass(top && top.peakRssMb * MB < SCALE_TARGETS.rssBytes)}`,
    `  lease p99 at ${h1?.history} tasks of history ≤ ${SCALE_TARGETS.historyP99Ratio}× that at ${h0?.history}: ×${f(ratio, 2)} ${pass(Number.isFinite(ratio) ? ratio <= SCALE_TARGETS.historyP99Ratio : undefined)}`,
  ];
  if (slurm.length) {
    lines.push(
      '',
      "The coordinator's Slurm calls on a 1,024-node cluster (4 of our allocations on 512 nodes, 64",
      "other users' jobs on the rest, 1,500 pending); reconcile runs squeue once a second while a",
      'job is queued or running and not at all otherwise; sinfo runs when asked (submission,',
      'scaling, the cluster view), at most once a second however many ask:',
      table([
        ['Slurm', 'command', 'records', 'MB', 'parse ms'],
        ...slurm.map((s) => [
          s.format,
          s.what,
          String(s.records),
          f(s.bytes / 1e6, 2),
          f(s.parseMs, 1),
        ]),
      ]),
    );
  }
  return lines.join('\n');
}
